import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  aClock,
  createSet,
  eraseJobSeeker,
  type SetBody,
  seedCatalogAndSeeker,
} from '../support/workflow.ts';

const WEEK = 7 * 86_400_000;

interface FeatureBody {
  feature: string;
  meanAbsContribution: number;
}

/**
 * `AUDIT_MIN_PEOPLE` is the minimum in force when the figures are read, frozen weeks included: a
 * DPO raising it withholds the weeks given under the old one. A week withheld was not frozen:
 * lowering the minimum works it out then, the people erased meanwhile already out, and freezes it
 * as first given. Four people the first week, three the second, four at least at first.
 */
describe('auditor API: the frozen weeks read with the minimum of people in force', () => {
  // Thursday 1 October 2026: its week began on Monday 28 September.
  const clock = aClock();
  let t: TestApp;
  let auditor: string;
  let admin: string;
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
    admin = await t.tokenFor('admin', 'ops-1');
  };
  const erase = async (seekerId: string) => {
    expect((await eraseJobSeeker(t, admin, seekerId)).status).toBe(204);
  };

  beforeAll(async () => {
    t = await startTestApp({ now: clock.now, env: { AUDIT_MIN_PEOPLE: '4' } });
    const counselor = await t.tokenFor('counselor', 'c-001');
    auditor = await t.tokenFor('auditor', 'dpo-1');
    admin = await t.tokenFor('admin', 'ops-1');
    for (const seekers of [
      ['js-1a', 'js-1b', 'js-1c', 'js-1d'],
      ['js-2a', 'js-2b', 'js-2c'],
    ]) {
      for (const seekerId of seekers) {
        await seedCatalogAndSeeker(t, seekerId);
        sets.push((await createSet(t, counselor, seekerId)).set);
      }
      clock.advance(WEEK);
    }
    // The first week given, and so frozen; the second withheld under four people, and not frozen.
    for (const figure of ['attributions', 'drift']) {
      const res = await get(`/v1/audit/stats/${figure}`);
      expect(res.body.models).toEqual([expect.objectContaining({ withheld: false, withheldWeeks: 1 })]);
    }
    await erase('js-2a');
  });
  afterAll(() => t.close());

  it('withholds a week frozen as given once AUDIT_MIN_PEOPLE is raised above its people', async () => {
    await restartWithMinimum(5);
    const attributions = await get('/v1/audit/stats/attributions');
    expect(attributions.body.models).toEqual([
      expect.objectContaining({ sets: 7, withheld: true, withheldWeeks: 2, features: [] }),
    ]);
    const drift = await get('/v1/audit/stats/drift');
    expect(drift.body.models).toEqual([expect.objectContaining({ withheld: true, withheldWeeks: 2 })]);
    for (const feature of drift.body.models[0].features) expect(feature.psi).toBeNull();
  });

  it('works out a week withheld once AUDIT_MIN_PEOPLE is lowered, without the people erased before, and freezes it then', async () => {
    await restartWithMinimum(2);
    const expectedModel = (model: { features: FeatureBody[] }) => {
      // The erased person's set is left out: they were erased before the week was first given.
      const items = sets
        .filter((set) => set.seekerId !== 'js-2a')
        .flatMap((set) => set.items.filter((item) => item.source === 'model'));
      for (const { feature, meanAbsContribution } of model.features) {
        const contributions = items.map(
          (item) => item.attributions.find((a) => a.feature === feature)?.contribution ?? Number.NaN,
        );
        const expected =
          contributions.reduce((sum, value) => sum + Math.abs(value), 0) / contributions.length;
        expect(meanAbsContribution, feature).toBeCloseTo(expected, 5);
      }
    };
    const first = await get('/v1/audit/stats/attributions');
    expect(first.body.models[0]).toMatchObject({
      sets: 7,
      erasedSets: 1,
      people: 6,
      withheld: false,
      withheldWeeks: 0,
    });
    expectedModel(first.body.models[0]);
    const drift = await get('/v1/audit/stats/drift');
    expect(drift.body.models).toEqual([
      expect.objectContaining({ sets: 7, erasedSets: 1, withheld: false, withheldWeeks: 0 }),
    ]);

    // Given, and so frozen: a later erasure leaves its totals as they were; only `people` drops.
    await erase('js-2b');
    const again = await get('/v1/audit/stats/attributions');
    expect(again.body.models[0]).toMatchObject({
      sets: 7,
      erasedSets: 1,
      people: 5,
      withheld: false,
      withheldWeeks: 0,
    });
    expect(again.body.models[0].features).toEqual(first.body.models[0].features);
    expect((await get('/v1/audit/stats/drift')).body.models[0].features).toEqual(
      drift.body.models[0].features,
    );
  });
});
