import knex from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageScrubber } from '../../src/erasure/storage-scrubber.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createTestDatabase, TEST_ENGINE, type TestDatabase } from '../support/test-database.ts';
import { createAndPublish, eraseJobSeeker, seedCatalogAndSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * The erasure commits (profile, sets, key and `subject.erased` in one transaction), then clears the
 * deleted bytes from the files (`scrubDeletedRows`: SQLite's WAL checkpoint, PostgreSQL's VACUUM).
 * When that second step meets a busy database (a VACUUM waiting past lock_timeout: SQLSTATE 55P03,
 * the pool exhausted, SQLITE_BUSY), the admin is answered that the erasure is done (the scrub reported incomplete), not that it was undone.
 */
describe('an erasure whose clearing of the files fails after it committed', () => {
  let t: TestApp;
  let admin: string;
  let counselor: string;

  beforeAll(async () => {
    const app = await startWorkflowApp();
    ({ t, counselor } = app);
    admin = await t.tokenFor('admin', 'ops-1');
  });
  afterAll(() => t.close());

  function breakScrubber(error: Error & { code?: string }) {
    const scrubber = (t.container.services.erasure as unknown as { deps: { scrubber: StorageScrubber } }).deps
      .scrubber;
    const original = scrubber.scrubDeletedRows.bind(scrubber);
    scrubber.scrubDeletedRows = async () => {
      throw error;
    };
    return () => {
      scrubber.scrubDeletedRows = original;
    };
  }

  it('answers the erasure as done when clearing the files fails after the commit, and its retry 404', async () => {
    await seedCatalogAndSeeker(t, 'js-gone');
    await createAndPublish(t, counselor, 'js-gone');
    const busy = Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' });
    const restore = breakScrubber(busy);
    let first: Awaited<ReturnType<typeof t.http.delete>>;
    try {
      first = await eraseJobSeeker(t, admin, 'js-gone');
    } finally {
      restore();
    }

    // What was committed: the person is erased, and the log says so.
    const profile = await t.container.db('job_seekers').where({ id: 'js-gone' }).first();
    const erasedEvents = await t.container.decisionLog.decisionLog.listEvents({
      types: ['subject.erased'],
      subject: t.container.decisionLog.pseudonymiser.pseudonymise('js-gone'),
    });
    expect(profile).toBeUndefined();
    expect(erasedEvents).toHaveLength(1);

    // What the admin was told, and what their retry is told.
    const retry = await eraseJobSeeker(t, admin, 'js-gone');
    expect({
      first: first.status,
      firstDetail: first.body?.detail,
      retry: retry.status,
    }).toEqual({ first: 204, firstDetail: undefined, retry: 404 });
  });
});

/**
 * The same without a stand-in, on PostgreSQL: the deployment sets lock_timeout (as many DBAs do), and
 * something else holds SHARE UPDATE EXCLUSIVE on one of the scrubbed tables (an ANALYZE, a VACUUM, a
 * CREATE INDEX CONCURRENTLY, another erasure's VACUUM). The erasure's deletes do not conflict with it
 * and commit; the VACUUM after them waits and gives up with 55P03.
 */
describe.runIf(TEST_ENGINE === 'postgres')('an erasure whose VACUUM meets a lock on PostgreSQL', () => {
  let t: TestApp;
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    const url = new URL(String(database.databaseUrl));
    url.searchParams.set('options', '-c lock_timeout=1000');
    t = await startTestApp({ database, env: { DATABASE_URL: url.toString() } });
  });
  afterAll(() => t.close());

  it('answers the erasure as done when its VACUUM gives up on a lock, and its retry 404', async () => {
    await seedCatalogAndSeeker(t, 'js-pg-gone');
    const admin = await t.tokenFor('admin', 'ops-1');
    const other = knex({ client: 'pg', connection: String(database.databaseUrl), pool: { min: 0, max: 1 } });
    let first: { status: number; body?: { detail?: string } };
    try {
      first = await other.transaction(async (trx) => {
        await trx.raw('lock table feedback in share update exclusive mode');
        return eraseJobSeeker(t, admin, 'js-pg-gone');
      });
    } finally {
      await other.destroy();
    }
    const profile = await t.container.db('job_seekers').where({ id: 'js-pg-gone' }).first();
    const retry = await eraseJobSeeker(t, admin, 'js-pg-gone');
    expect(profile).toBeUndefined();
    expect({ first: first.status, detail: first.body?.detail, retry: retry.status }).toEqual({
      first: 204,
      detail: undefined,
      retry: 404,
    });
  });
});
