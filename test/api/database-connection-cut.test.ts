import knex, { type Knex } from 'knex';
import type supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aJobSeeker } from '../support/builders.ts';
import { captureLogs } from '../support/captured-logs.ts';
import { type PgRelay, startTestAppThroughRelay } from '../support/pg-relay.ts';
import type { TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';

describe.skipIf(TEST_ENGINE !== 'postgres')('a PostgreSQL connection cut mid-query', () => {
  const logs = captureLogs();
  let t: TestApp;
  let relay: PgRelay;
  let direct: Knex;
  let counselor: string;
  let integration: string;

  beforeAll(async () => {
    let databaseUrl: string;
    ({ t, relay, databaseUrl } = await startTestAppThroughRelay({ logger: logs.logger }));
    direct = knex({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 2 } });
    counselor = await t.tokenFor('counselor', 'c-001');
    integration = await t.tokenFor('integration', 'svc-crm');
  });
  afterAll(async () => {
    await direct?.destroy();
    await t?.close();
    await relay?.close();
  });

  /** Sends `request` while another session holds the job seekers' table, and cuts the API's connections under it. */
  async function cutUnder(request: () => Promise<supertest.Response>): Promise<supertest.Response> {
    const trx = await direct.transaction();
    await trx.raw('lock table job_seekers in access exclusive mode');
    const pending = request();
    await expect
      .poll(async () => {
        const rows = await direct
          .select('pid')
          .from('pg_stat_activity')
          .where({ datname: direct.raw('current_database()'), wait_event_type: 'Lock' });
        return rows.length;
      })
      .toBeGreaterThan(0);
    relay.cutAll();
    const res = await pending;
    await trx.rollback();
    return res;
  }

  function expectUnreachable(res: supertest.Response): void {
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('10');
    expect(res.body).toMatchObject({ status: 503, retryAfterSeconds: 10 });
    expect(res.body.detail).toMatch(/the database cannot be reached/);
  }

  it('answers a read 503 problem+json with Retry-After, not 500, and serves again once the database answers', async () => {
    const res = await cutUnder(async () =>
      t.http.get('/v1/job-seekers/js-cut').auth(counselor, { type: 'bearer' }),
    );
    expectUnreachable(res);

    const again = await t.http.get('/v1/job-seekers/js-cut').auth(counselor, { type: 'bearer' });
    expect(again.status).toBe(404);
  });

  it('answers a write 503 problem+json, keeps nothing of it, and takes it when sent again', async () => {
    const sync = () =>
      t.http.put('/v1/job-seekers/js-cut').auth(integration, { type: 'bearer' }).send(aJobSeeker());
    const cut = await cutUnder(async () => sync());
    expectUnreachable(cut);

    const read = await t.http.get('/v1/job-seekers/js-cut').auth(counselor, { type: 'bearer' });
    expect(read.status).toBe(404);
    expect((await sync()).status).toBe(201);
  });

  it('answers a write cut while its COMMIT was on its way 503 outcome-unknown, saying how to find out, not that it was undone', async () => {
    // A deferred trigger makes the COMMIT wait on a lock held here: the connection is cut then.
    await direct.raw(`create or replace function wait_at_commit() returns trigger language plpgsql as $$
      begin perform pg_advisory_xact_lock(424242); return null; end $$`);
    await direct.raw(`create constraint trigger wait_at_commit after insert on job_seekers
      deferrable initially deferred for each row execute function wait_at_commit()`);
    const holder = await direct.transaction();
    try {
      await holder.raw('select pg_advisory_xact_lock(424242)');
      // Sent now (supertest sends once awaited).
      const pending = Promise.resolve(
        t.http.put('/v1/job-seekers/js-commit-cut').auth(integration, { type: 'bearer' }).send(aJobSeeker()),
      );
      await expect
        .poll(async () => {
          const rows = await direct
            .select('pid')
            .from('pg_stat_activity')
            .where({ datname: direct.raw('current_database()'), wait_event_type: 'Lock' })
            .andWhereLike('query', 'COMMIT%');
          return rows.length;
        })
        .toBeGreaterThan(0);
      relay.cutAll();
      const res = await pending;
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['retry-after']).toBe('10');
      expect(res.body).toMatchObject({
        type: 'https://aiguillage.example/problems/outcome-unknown',
        status: 503,
        retryAfterSeconds: 10,
      });
      expect(res.body.detail).toMatch(/it may have been kept or not\. Read the resource again/);
      expect(res.body.detail).not.toMatch(/undone/);
    } finally {
      await holder.rollback();
      await direct.raw('drop trigger if exists wait_at_commit on job_seekers');
      await direct.raw('drop function if exists wait_at_commit()');
    }
    // The server went on once the lock was released: the change was kept, as the answer allowed.
    await expect
      .poll(async () => (await direct('job_seekers').where({ id: 'js-commit-cut' })).length)
      .toBe(1);
    const read = await t.http.get('/v1/job-seekers/js-commit-cut').auth(counselor, { type: 'bearer' });
    expect(read.status).toBe(200);
  });
});
