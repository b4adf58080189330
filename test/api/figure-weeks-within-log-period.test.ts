import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  aClock,
  aWorkflowSeeker,
  createSet,
  eraseJobSeeker,
  seedCatalogAndSeeker,
  syncSeeker,
} from '../support/workflow.ts';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
const LOG_DAYS = 184;

/**
 * The daily retention deletes the frozen weeks ended before the log period. Given again from the
 * log, such a week would leave out the people erased since (the events of those still followed
 * still open: their keys are kept), and an erasure between two reads would give that person's
 * values by subtraction. So the figures start with the first week that starts within the log period.
 */
describe('auditor API: the figures of the weeks within the log period only', () => {
  const clock = aClock();
  let t: TestApp;
  let counselor: string;
  let auditor: string;
  let admin: string;
  const people = ['js-1a', 'js-1b', 'js-1c', 'js-1d'];
  const get = (path: string) =>
    t.http.get(path).auth(auditor, { type: 'bearer' }).set('X-Audit-Purpose', 'revue des explications');

  beforeAll(async () => {
    t = await startTestApp({
      now: clock.now,
      env: { AUDIT_MIN_PEOPLE: '3', RETENTION_LOG_DAYS: String(LOG_DAYS) },
    });
    counselor = await t.tokenFor('counselor', 'c-001');
    auditor = await t.tokenFor('auditor', 'dpo-1');
    admin = await t.tokenFor('admin', 'ops-1');
    for (const id of people) {
      await seedCatalogAndSeeker(t, id);
      await createSet(t, counselor, id);
    }
  });
  afterAll(() => t.close());

  it('no longer gives a week past the log period, so that an erasure then shows in no figure', async () => {
    const figures = ['attributions', 'drift', 'outcomes'];
    // The week of 28 September ends and is given (so frozen).
    clock.advance(WEEK);
    const given = await get('/v1/audit/stats/attributions');
    expect(given.body.models).toEqual([expect.objectContaining({ sets: 4, people: 4, withheld: false })]);
    // Half a year later, the four people are still followed (synced): their keys are kept.
    clock.advance((LOG_DAYS + 7) * DAY);
    for (const [index, id] of people.entries())
      await syncSeeker(t, id, aWorkflowSeeker({ skills: [`S${index}`] }));
    await t.container.retention.purgeExpired();
    const before = await Promise.all(
      figures.map((figure) => get(`/v1/audit/stats/${figure}?to=2026-10-05T00:00:00Z`)),
    );
    const erased = await eraseJobSeeker(t, admin, 'js-1a');
    expect(erased.status).toBe(204);
    // The next day's retention run.
    clock.advance(DAY);
    await t.container.retention.purgeExpired();

    const after = await Promise.all(
      figures.map((figure) => get(`/v1/audit/stats/${figure}?to=2026-10-05T00:00:00Z`)),
    );
    expect(after.map((res) => ({ ...res.body, from: undefined, to: undefined }))).toEqual(
      before.map((res) => ({ ...res.body, from: undefined, to: undefined })),
    );
    // Saturday 17 April 2027, less 184 days: Thursday 15 October 2026; the first week in it starts on the
    // 19th, after the `to` asked: the period covers nothing, and is answered where the one asked ends.
    expect(before.map((res) => [res.body.from, res.body.to])).toEqual(
      figures.map(() => ['2026-10-05T00:00:00.000Z', '2026-10-05T00:00:00.000Z']),
    );
    // The week of 28 September lies before: it is given no more.
    expect(before[0]?.body.models).toEqual([]);
  });
});
