import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';

interface PoolClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<void>;
}

/**
 * Every connection of a process's PostgreSQL pool in use is a busy instance, not a broken one: the
 * load balancer must keep sending it requests (they wait a moment or answer 503 busy), not take it
 * out, which would push its load onto the others until they are full as well.
 */
describe.skipIf(TEST_ENGINE !== 'postgres')(
  'readiness while every PostgreSQL pool connection is in use',
  () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ env: { DATABASE_POOL_MAX: '2' } });
      // Read once while the pool is free, as the load balancer's probe does from the start.
      expect((await t.http.get('/readyz')).status).toBe(200);
    });
    afterAll(() => t?.close());

    it('stays ready, the database reachable, while the pool is full', async () => {
      const pool = t.container.db.client as PoolClient;
      const held = [await pool.acquireConnection(), await pool.acquireConnection()];
      let res: Awaited<ReturnType<typeof t.http.get>>;
      try {
        res = await t.http.get('/readyz');
      } finally {
        for (const connection of held) await pool.releaseConnection(connection);
      }
      expect(res.body).toMatchObject({ status: 'ready', checks: { database: 'ok', keys: 'ok' } });
      expect(res.status).toBe(200);
    }, 20_000);
  },
);
