import { setTimeout as sleep } from 'node:timers/promises';
import { createApp } from './app.ts';
import { loadConfigFor } from './config.ts';
import { createContainer } from './container.ts';
import { startOrExit } from './operations/start-or-exit.ts';
import { startServing } from './operations/start-serving.ts';

const SHUTDOWN_GRACE_MS = 10_000;

// Every setting production refuses is checked before the database is opened or a key generated.
const config = await startOrExit('aiguillage', () => loadConfigFor({ tokens: true, decisionLog: true }));
const container = await startOrExit('aiguillage', () => createContainer(config));
const { logger } = container;
// A port taken, say, or a log that cannot be written: a process that serves nothing must not stay up
// (nor run the daily purge), and says why as any other start that fails.
const server = await startOrExit('aiguillage', () =>
  startServing(container, createApp(container)).catch(async (error: unknown) => {
    await container.close().catch(() => undefined);
    throw error;
  }),
);

let stopping = false;
async function shutDown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info(
    { signal, drainSeconds: config.shutdownDrainSeconds },
    'shutting down: readiness fails, requests are still served for the drain, then in-flight requests finish',
  );
  container.services.readiness.markShuttingDown();
  // A load balancer only sees /readyz fail while the port is open: closing it at once would make
  // the failure invisible and drop the requests already on their way here.
  await sleep(config.shutdownDrainSeconds * 1000);
  logger.info('drained: no new connections');
  let requestsDone = false;
  const force = setTimeout(() => {
    // After the requests, closing waits for a retention run in progress: its transaction is rolled
    // back, and the next check runs the purge again.
    logger.error(
      requestsDone
        ? 'the database or a retention run in progress did not close in time; exiting'
        : 'in-flight requests did not finish in time; exiting',
    );
    process.exit(1);
  }, SHUTDOWN_GRACE_MS);
  force.unref();
  server.close(async () => {
    requestsDone = true;
    await container.close();
    logger.info('stopped');
    process.exit(0);
  });
  server.closeIdleConnections();
}

process.on('SIGTERM', () => void shutDown('SIGTERM'));
process.on('SIGINT', () => void shutDown('SIGINT'));
