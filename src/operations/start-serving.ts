import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Container } from '../container.ts';
import { answerClientError } from '../http/answer-client-error.ts';

/**
 * Records the start in the decision log (`service.started`), then writes the demo data into an empty
 * database when `SEED_DEMO` asks for it, then serves `app` on the configured port (`npm start`) and
 * logs the line an operator waits for. Nothing is served before the start is in the log: every event
 * the demo or a request appends follows it, and a start that cannot be recorded serves nothing.
 * Recording first was chosen over listening first behind a gate: a port that cannot be listened on
 * after the start was recorded leaves a `service.started` under which nothing was served (the next
 * start records its own), which misleads no one about what ran, whereas a gate would answer every
 * operation 503 for a moment at each start. Rejects, saying why, when the start cannot be recorded,
 * the demo cannot be written or the port cannot be listened on: a process that serves nothing must
 * not stay up.
 */
export async function startServing(container: Container, app: Express): Promise<Server> {
  const { config, logger } = container;
  try {
    await container.recordServiceStart();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot record the start in the decision log: ${why}`, { cause: error });
  }
  try {
    await container.seedDemoData();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot write the demo data: ${why}`, { cause: error });
  }
  const server = await new Promise<Server>((resolve, reject) => {
    const listening: Server = app.listen(config.port, (error?: Error) => {
      if (error === undefined) resolve(listening);
      else
        reject(
          new Error(`cannot listen on port ${config.port}: ${error.message}${hintFor(error)}`, {
            cause: error,
          }),
        );
    });
  });
  server.on('clientError', answerClientError);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  logger.info(
    { port, engine: config.databaseUrl === undefined ? 'sqlite' : 'postgres', dataDir: config.dataDir },
    `Aiguillage listening on http://localhost:${port} (docs at /docs)`,
  );
  if (config.nodeEnv === 'production' && config.http.trustProxy === false) {
    logger.warn(UNTRUSTED_PROXY_WARNING);
  }
  return server;
}

/**
 * Production is usually behind a reverse proxy, and the limits count clients by address: without
 * `TRUST_PROXY`, every client counts as the proxy, and one client's failed tokens shut all out.
 */
const UNTRUSTED_PROXY_WARNING =
  'TRUST_PROXY is unset in production: the rate limit and the failed-authentication limit count each client ' +
  "by the connection's address. Behind a reverse proxy every client shares the proxy's address, so one " +
  "client's failed tokens (AUTH_FAILURES_PER_MINUTE) or requests (RATE_LIMIT_PER_MINUTE) would shut every " +
  "client out: set TRUST_PROXY to the number of proxy hops in front (1 for one proxy) or to the proxies' " +
  'addresses or ranges. A process clients reach directly, with no proxy in front, needs nothing.';

/** What to do about a port another process holds, the usual reason a first start cannot listen. */
function hintFor(error: Error): string {
  return (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
    ? '; another process holds it: set PORT to a free port (0: any free port)'
    : '';
}
