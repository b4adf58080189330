import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  aClock,
  createSet,
  eraseJobSeeker,
  type SetBody,
  seedCatalogAndSeeker,
} from '../support/workflow.ts';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
const LOG_DAYS = 184;

interface FeatureBody {
  feature: string;
  meanAbsContribution: number;
}

/**
 * A finished week's figures, once given, do not change when one of its people leaves them: read
 * before and after an erasure, they would give that person's values back by subtraction, however
 * many people each read rests on. Four people a week, three at least for a week to be shown.
 */
describe('auditor API: the figures of a finished week stay as first given', () => {
  // Thursday 1 October 2026: its week began on Monday 28 September.
  const clock = aClock();
  let t: TestApp;
  let counselor: string;
  let auditor: string;
  let admin: string;
  const sets: SetBody[] = [];
  const get = (path: string) =>
    t.http.get(path).auth(auditor, { type: 'bearer' }).set('X-Audit-Purpose', 'revue des explications');
  const erase = async (seekerId: string) => {
    const res = await eraseJobSeeker(t, admin, seekerId);
    expect(res.status).toBe(204);
  };
  /** Four people are suggested courses this week, and the week ends. */
  const suggestThisWeek = async (prefix: string) => {
    for (const letter of ['a', 'b', 'c', 'd']) {
      await seedCatalogAndSeeker(t, `${prefix}${letter}`);
      sets.push((await createSet(t, counselor, `${prefix}${letter}`)).set);
    }
    clock.advance(WEEK);
  };
  const frozenWeeks = () => t.container.db('frozen_figure_weeks').select('figure', 'week_start');

  beforeAll(async () => {
    t = await startTestApp({
      now: clock.now,
      env: { AUDIT_MIN_PEOPLE: '3', RETENTION_LOG_DAYS: String(LOG_DAYS) },
    });
    counselor = await t.tokenFor('counselor', 'c-001');
    auditor = await t.tokenFor('auditor', 'dpo-1');
    admin = await t.tokenFor('admin', 'ops-1');
    await suggestThisWeek('js-1');
  });
  afterAll(() => t.close());

  it('gives the attribution and drift figures of a finished week as before when one of its people is erased', async () => {
    const attributions = await get('/v1/audit/stats/attributions');
    const drift = await get('/v1/audit/stats/drift');
    expect(attributions.body.models).toEqual([
      expect.objectContaining({ sets: 4, people: 4, withheld: false, erasedSets: 0 }),
    ]);
    await erase('js-1a');
    // Only the count of people, read from the log as it stands, no longer has them: it says nothing of their values.
    expect((await get('/v1/audit/stats/attributions')).body.models).toEqual([
      { ...attributions.body.models[0], people: 3 },
    ]);
    expect((await get('/v1/audit/stats/drift')).body.models).toEqual([
      { ...drift.body.models[0], people: 3 },
    ]);
  });

  it('gives the same figures to two readers giving a week for the first time at once, the week frozen once', async () => {
    await suggestThisWeek('js-2');
    const [first, second] = await Promise.all(
      [1, 2].map(() => get('/v1/audit/stats/attributions?from=2026-10-05T00:00:00Z')),
    );
    expect([first?.status, second?.status]).toEqual([200, 200]);
    expect(first?.body.models).toEqual([expect.objectContaining({ sets: 4, people: 4, withheld: false })]);
    expect(second?.body).toEqual(first?.body);
    expect(
      (await frozenWeeks()).filter((week) => week.figure === 'attributions').map((week) => week.week_start),
    ).toEqual(['2026-09-28T00:00:00.000Z', '2026-10-05T00:00:00.000Z']);
  });

  it('gives a week first read after an erasure without the person, and the weeks given before with them', async () => {
    await suggestThisWeek('js-3');
    await erase('js-3a');
    const res = await get('/v1/audit/stats/attributions');
    expect(res.status).toBe(200);
    const [model] = res.body.models;
    // js-1a's set stays in the week given before their erasure; js-3a's week is given without theirs.
    expect(model).toMatchObject({ sets: 12, erasedSets: 1, people: 10, withheldWeeks: 0 });
    const items = sets
      .filter((set) => set.seekerId !== 'js-3a')
      .flatMap((set) => set.items.filter((item) => item.source === 'model'));
    for (const { feature, meanAbsContribution } of model.features as FeatureBody[]) {
      const contributions = items.map(
        (item) => item.attributions.find((a) => a.feature === feature)?.contribution ?? Number.NaN,
      );
      const expected = contributions.reduce((sum, value) => sum + Math.abs(value), 0) / contributions.length;
      expect(meanAbsContribution, feature).toBeCloseTo(expected, 5);
    }
  });

  it('removes the frozen weeks once past the log period, and gives those weeks no more', async () => {
    expect((await frozenWeeks()).length).toBeGreaterThan(0);
    // Past the log period for the last of the three weeks: the people's keys are shredded too.
    clock.advance((LOG_DAYS + 7) * DAY);
    await t.container.retention.purgeExpired();
    expect(await frozenWeeks()).toEqual([]);
    const res = await get('/v1/audit/stats/attributions?to=2026-10-19T00:00:00Z');
    // The figures start with the first week within the log period, after the three weeks and the `to`
    // asked: the period covers nothing, answered where the one asked ends.
    expect(res.body).toMatchObject({
      from: '2026-10-19T00:00:00.000Z',
      to: '2026-10-19T00:00:00.000Z',
      models: [],
    });
  });
});
