import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Container } from '../container.ts';

/**
 * Serves `app` on the configured port (`npm start`), then records the start in the decision log
 * (`service.started`) and logs the line an operator waits for. Rejects, saying why, when the port
 * cannot be listened on or the start cannot be recorded (the port closed again): a process that
 * serves nothing must not stay up, and one serving without its start in the log would leave
 * auditors unable to tell when, and with what, the system ran.
 */
export async function startServing(container: Container, app: Express): Promise<Server> {
  const { config, logger } = container;
  const server = await new Promise<Server>((resolve, reject) => {
    const listening: Server = app.listen(config.port, (error?: Error) => {
      if (error === undefined) resolve(listening);
      else reject(new Error(`cannot listen on port ${config.port}: ${error.message}`, { cause: error }));
    });
  });
  try {
    await container.recordServiceStart();
  } catch (error) {
    await new Promise((resolve) => server.close(resolve));
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot record the start in the decision log: ${why}`, { cause: error });
  }
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  logger.info(
    { port, engine: config.databaseUrl === undefined ? 'sqlite' : 'postgres', dataDir: config.dataDir },
    `Aiguillage listening on http://localhost:${port} (docs at /docs)`,
  );
  return server;
}
