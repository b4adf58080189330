import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { aClock, createSet, eraseJobSeeker, seedCatalogAndSeeker } from '../support/workflow.ts';

const WEEK = 7 * 86_400_000;
const PURPOSE = 'revue des explications';

interface FrozenRow {
  people: number;
  features?: unknown;
  counts?: unknown;
}

async function readFrozenRows(t: TestApp): Promise<FrozenRow[]> {
  const frozen = await t.container.db('frozen_figure_weeks').select('totals');
  return frozen.flatMap(({ totals }) => (JSON.parse(String(totals)) as { rows: FrozenRow[] }).rows);
}

/**
 * Only the rows of a finished week given to an auditor (resting on `AUDIT_MIN_PEOPLE` or more) are
 * frozen. A week of one person, withheld, is worked out from the log at each read: its person's
 * attribution sums and drift counts, sealed in the log under their key, are kept nowhere in clear,
 * and their erasure leaves nothing of them.
 */
describe('auditor API: a week withheld is not frozen', () => {
  const clock = aClock();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ now: clock.now, env: { AUDIT_MIN_PEOPLE: '3' } });
    const counselor = await t.tokenFor('counselor', 'c-001');
    await seedCatalogAndSeeker(t, 'js-solo');
    await createSet(t, counselor, 'js-solo');
    clock.advance(WEEK);
  });
  afterAll(() => t.close());

  it('keeps no sums of a week of one person, withheld, before or after their erasure', async () => {
    const auditor = await t.tokenFor('auditor', 'dpo-1');
    const read = async (withheldWeeks: number) => {
      for (const figure of ['attributions', 'drift']) {
        const res = await t.http
          .get(`/v1/audit/stats/${figure}`)
          .auth(auditor, { type: 'bearer' })
          .set('X-Audit-Purpose', PURPOSE);
        expect(res.body.models).toEqual([expect.objectContaining({ withheld: true, withheldWeeks })]);
      }
    };
    await read(1);
    expect(await readFrozenRows(t)).toEqual([]);
    const admin = await t.tokenFor('admin', 'ops-1');
    expect((await eraseJobSeeker(t, admin, 'js-solo')).status).toBe(204);
    // Worked out again: no one left in the week.
    await read(0);
    for (const row of await readFrozenRows(t)) {
      expect(row).not.toHaveProperty('features');
      expect(row).not.toHaveProperty('counts');
    }
  });
});

/**
 * Older code froze a week withheld with its counts only. Nothing was given from it, so it counts as
 * not frozen: worked out again from the log, given when it rests on enough people, and frozen then.
 */
describe('auditor API: a week frozen withheld by older code', () => {
  const clock = aClock();
  let t: TestApp;
  let auditor: string;
  const get = () =>
    t.http
      .get('/v1/audit/stats/attributions')
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', PURPOSE);

  beforeAll(async () => {
    t = await startTestApp({ now: clock.now, env: { AUDIT_MIN_PEOPLE: '2' } });
    const counselor = await t.tokenFor('counselor', 'c-001');
    for (const seekerId of ['js-a', 'js-b']) {
      await seedCatalogAndSeeker(t, seekerId);
      await createSet(t, counselor, seekerId);
    }
    clock.advance(WEEK);
    auditor = await t.tokenFor('auditor', 'dpo-1');
  });
  afterAll(() => t.close());

  it('works out again a week frozen withheld without its sums, and gives it', async () => {
    expect((await get()).body.models).toEqual([expect.objectContaining({ withheld: false })]);
    // As the week was frozen before the minimum was applied at read time: its counts, no sums.
    const [stored] = await t.container
      .db('frozen_figure_weeks')
      .where({ figure: 'attributions' })
      .select('totals');
    const totals = JSON.parse(String(stored?.totals)) as { rows: FrozenRow[] };
    const withheld = { rows: totals.rows.map(({ features: _features, ...counts }) => counts) };
    await t.container
      .db('frozen_figure_weeks')
      .where({ figure: 'attributions' })
      .update({ totals: JSON.stringify(withheld) });

    const res = await get();
    expect(res.body.models).toEqual([
      expect.objectContaining({ withheld: false, withheldWeeks: 0, people: 2 }),
    ]);
    expect(res.body.models[0].features.length).toBeGreaterThan(0);
    expect(await readFrozenRows(t)).toEqual([
      expect.objectContaining({ people: 2, features: expect.any(Object) }),
    ]);
  });
});
