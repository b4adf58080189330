import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { aClock, createSet, type SetBody, seedCatalogAndSeeker } from '../support/workflow.ts';

const WEEK = 7 * 86_400_000;

interface FeatureBody {
  feature: string;
  meanAbsContribution: number;
}

/**
 * `AUDIT_MIN_PEOPLE` is the minimum in force when the figures are read, frozen weeks included: a
 * DPO raising it withholds the weeks given under the old one, and lowering it gives the weeks it
 * withheld, as they were frozen. Four people the first week, two the second, three at least at first.
 */
describe('auditor API: the frozen weeks read with the minimum of people in force', () => {
  // Thursday 1 October 2026: its week began on Monday 28 September.
  const clock = aClock();
  let t: TestApp;
  let auditor: string;
  const sets: SetBody[] = [];
  const get = (path: string) =>
    t.http.get(path).auth(auditor, { type: 'bearer' }).set('X-Audit-Purpose', 'revue des explications');
  const restartWithMinimum = async (minPeople: number) => {
    await t.container.close();
    t = await startTestApp({
      now: clock.now,
      database: t.database,
      env: { AUDIT_MIN_PEOPLE: String(minPeople) },
    });
    auditor = await t.tokenFor('auditor', 'dpo-1');
  };

  beforeAll(async () => {
    t = await startTestApp({ now: clock.now, env: { AUDIT_MIN_PEOPLE: '3' } });
    const counselor = await t.tokenFor('counselor', 'c-001');
    auditor = await t.tokenFor('auditor', 'dpo-1');
    for (const seekers of [
      ['js-1a', 'js-1b', 'js-1c', 'js-1d'],
      ['js-2a', 'js-2b'],
    ]) {
      for (const seekerId of seekers) {
        await seedCatalogAndSeeker(t, seekerId);
        sets.push((await createSet(t, counselor, seekerId)).set);
      }
      clock.advance(WEEK);
    }
    // Both weeks given, and so frozen: the first shown, the second withheld under three people.
    for (const figure of ['attributions', 'drift']) {
      const res = await get(`/v1/audit/stats/${figure}`);
      expect(res.body.models).toEqual([expect.objectContaining({ withheld: false, withheldWeeks: 1 })]);
    }
    // An erasure after the weeks were frozen leaves their totals as they were.
    const admin = await t.tokenFor('admin', 'ops-1');
    expect((await t.http.delete('/v1/job-seekers/js-2a').auth(admin, { type: 'bearer' })).status).toBe(204);
  });
  afterAll(() => t.close());

  it('withholds a week frozen as given once AUDIT_MIN_PEOPLE is raised above its people', async () => {
    await restartWithMinimum(5);
    const attributions = await get('/v1/audit/stats/attributions');
    expect(attributions.body.models).toEqual([
      expect.objectContaining({ sets: 6, withheld: true, withheldWeeks: 2, features: [] }),
    ]);
    const drift = await get('/v1/audit/stats/drift');
    expect(drift.body.models).toEqual([expect.objectContaining({ withheld: true, withheldWeeks: 2 })]);
    for (const feature of drift.body.models[0].features) expect(feature.psi).toBeNull();
  });

  it('gives a week frozen under the old minimum once AUDIT_MIN_PEOPLE is lowered, with its totals as frozen before an erasure', async () => {
    await restartWithMinimum(2);
    const attributions = await get('/v1/audit/stats/attributions');
    const [model] = attributions.body.models;
    // The erased person's set stays in the week frozen before their erasure; only `people` drops.
    expect(model).toMatchObject({ sets: 6, erasedSets: 0, people: 5, withheld: false, withheldWeeks: 0 });
    const items = sets.flatMap((set) => set.items.filter((item) => item.source === 'model'));
    for (const { feature, meanAbsContribution } of model.features as FeatureBody[]) {
      const contributions = items.map(
        (item) => item.attributions.find((a) => a.feature === feature)?.contribution ?? Number.NaN,
      );
      const expected = contributions.reduce((sum, value) => sum + Math.abs(value), 0) / contributions.length;
      expect(meanAbsContribution, feature).toBeCloseTo(expected, 5);
    }
    const drift = await get('/v1/audit/stats/drift');
    expect(drift.body.models).toEqual([
      expect.objectContaining({ sets: 6, erasedSets: 0, withheld: false, withheldWeeks: 0 }),
    ]);
  });
});
