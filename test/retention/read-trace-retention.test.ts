import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { aClock, seedCatalogAndSeeker, syncSeeker, type TestClock } from '../support/workflow.ts';

const DAY = 24 * 3_600_000;

/** The read trace (record 0022) is kept `RETENTION_READ_TRACE_DAYS`, and is no activity on a file. */
describe("purging the trace of staff reads of people's files", () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;

  beforeAll(async () => {
    clock = aClock();
    t = await startTestApp({
      now: clock.now,
      env: { RETENTION_PERSONAL_DAYS: '60', RETENTION_READ_TRACE_DAYS: '30' },
    });
    counselor = await t.tokenFor('counselor', 'c-001');
    await seedCatalogAndSeeker(t, 'js-read');
  });
  afterAll(() => t.close());

  const readFile = async (seekerId: string) =>
    expect((await t.http.get(`/v1/job-seekers/${seekerId}`).auth(counselor, { type: 'bearer' })).status).toBe(
      200,
    );
  const readsOf = async (seekerId: string) =>
    (await t.container.db('file_reads').where({ seeker_id: seekerId }).orderBy('read_at')).map(
      (row) => row.read_at,
    );

  it('keeps a read for the whole period, purges it after, and counts it in the run', async () => {
    await readFile('js-read');
    const readAt = clock.now().toISOString();
    clock.advance(DAY);
    await readFile('js-read');

    clock.advance(29 * DAY - 1);
    const within = await t.container.retention.purgeExpired();
    expect(within.purged.fileReads).toBe(0);
    expect(await readsOf('js-read')).toHaveLength(2);

    clock.advance(1);
    const after = await t.container.retention.purgeExpired();
    expect(after.cutoffs.readTrace).toBe(readAt);
    expect(after.purged.fileReads).toBe(0);
    clock.advance(1);
    const past = await t.container.retention.purgeExpired();
    expect(past.purged.fileReads).toBe(1);
    expect(past.periods.readTraceDays).toBe(30);
    expect(await readsOf('js-read')).toHaveLength(1);
  });

  it('keeps a consultation until the period has passed since its last read, not its first', async () => {
    await syncSeeker(t, 'js-reread');
    await readFile('js-reread');
    clock.advance(9 * 60_000);
    await readFile('js-reread');
    const lastReadAt = clock.now().toISOString();

    clock.advance(30 * DAY - 60_000);
    const within = await t.container.retention.purgeExpired();
    expect(within.cutoffs.readTrace < lastReadAt).toBe(true);
    expect(await readsOf('js-reread')).toHaveLength(1);

    clock.advance(2 * 60_000);
    const past = await t.container.retention.purgeExpired();
    expect(past.cutoffs.readTrace > lastReadAt).toBe(true);
    expect(await readsOf('js-reread')).toEqual([]);
  });

  it('keeps no profile alive: a file read every day is purged as idle all the same, with its reads', async () => {
    await syncSeeker(t, 'js-idle');
    for (let day = 0; day < 61; day += 10) {
      await readFile('js-idle');
      clock.advance(10 * DAY);
    }
    expect((await readsOf('js-idle')).length).toBeGreaterThan(0);

    const run = await t.container.retention.purgeExpired();

    expect(run.purged.jobSeekers).toBeGreaterThanOrEqual(1);
    expect(await t.container.db('job_seekers').where({ id: 'js-idle' })).toEqual([]);
    expect(await readsOf('js-idle')).toEqual([]);
  });
});
