import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../support/captured-logs.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';

interface PoolClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<void>;
}

/**
 * Every connection of a process's PostgreSQL pool in use (slow queries, a server that stopped
 * answering): a request waits a few seconds for one, then answers 503 busy, rather than knex's
 * minute, which load balancers cut short with their own 504. SQLite runs on one connection that
 * requests queue for by design.
 */
describe.skipIf(TEST_ENGINE !== 'postgres')(
  'a PostgreSQL pool with every connection in use (SQLite queues for its one connection by design)',
  () => {
    const logs = captureLogs();
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ logger: logs.logger, env: { DATABASE_POOL_MAX: '2' } });
    });
    afterAll(() => t?.close());

    it('answers a request 503 busy with Retry-After, and serves again once a connection is free', async () => {
      const counselor = await t.tokenFor('counselor', 'c-001');
      const read = () => t.http.get('/v1/job-seekers/js-0').auth(counselor, { type: 'bearer' });
      const pool = t.container.db.client as PoolClient;
      const held = [await pool.acquireConnection(), await pool.acquireConnection()];
      let busy: Awaited<ReturnType<typeof read>>;
      try {
        busy = await read();
      } finally {
        for (const connection of held) await pool.releaseConnection(connection);
      }
      expect(busy.status).toBe(503);
      expect(busy.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(busy.headers['retry-after']).toBe('2');
      expect(busy.body.detail).toMatch(/database is busy.*retry in a moment/);
      expect(logs.find('error', /^database unavailable$/)[0]).toMatchObject({ storage: 'busy' });
      expect((await read()).status).toBe(404);
    }, 30_000);
  },
);
