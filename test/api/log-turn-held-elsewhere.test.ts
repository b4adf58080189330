import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../support/captured-logs.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';
import { aWorkflowSeeker } from '../support/workflow.ts';

/**
 * Another session holding the decision log's head on PostgreSQL: another API process stalled in a
 * transaction, a long purge or import, an operator's psql. Writers wait their turn a few seconds, as
 * on SQLite (whose own case is in storage-unavailable.test.ts), then answer 503 busy: without a
 * bound they waited as long as the holder, each holding a connection, until the pool ran out and
 * every request of the process hung with them.
 */
describe.skipIf(TEST_ENGINE !== 'postgres')(
  'the decision log held by another PostgreSQL session (SQLite has its own test: storage-unavailable)',
  () => {
    const logs = captureLogs();
    let t: TestApp;
    let other: Knex;
    let integration: string;

    beforeAll(async () => {
      t = await startTestApp({ logger: logs.logger, env: { DATABASE_POOL_MAX: '2' } });
      other = knex({ client: 'pg', connection: t.database.databaseUrl as string, pool: { min: 0, max: 1 } });
      integration = await t.tokenFor('integration', 'svc-crm');
    });
    afterAll(async () => {
      await other?.destroy();
      await t?.close();
    });

    const sync = (seekerId: string) =>
      t.http.put(`/v1/job-seekers/${seekerId}`).auth(integration, { type: 'bearer' }).send(aWorkflowSeeker());

    it('answers writes 503 busy with Retry-After, writing nothing, and reads go on, while the other session holds it', async () => {
      const before = await t.container.decisionLog.decisionLog.readHead();
      const holder = await other.transaction();
      try {
        await holder('decision_log_head').update({ seq: holder.raw('seq') });
        // More writers than the pool has connections, and a read behind them.
        const writes = await Promise.all(['js-held-1', 'js-held-2', 'js-held-3'].map(sync));
        for (const busy of writes) {
          expect(busy.status).toBe(503);
          expect(busy.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(busy.headers['retry-after']).toBe('2');
          expect(busy.body.detail).toMatch(/database is busy.*undone: retry in a moment/);
        }
        const counselor = await t.tokenFor('counselor', 'c-001');
        const read = await t.http.get('/v1/job-seekers/js-held-1').auth(counselor, { type: 'bearer' });
        expect(read.status).toBe(404);
        expect((await t.http.get('/readyz')).body.checks.database).toBe('ok');
      } finally {
        await holder.rollback();
      }
      expect(logs.find('error', /^database unavailable$/)[0]).toMatchObject({ storage: 'busy' });
      expect((await t.container.decisionLog.decisionLog.readHead()).seq).toBe(before.seq);
      expect((await sync('js-held-1')).status).toBe(201);
    }, 30_000);
  },
);
