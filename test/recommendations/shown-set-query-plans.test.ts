import { describe, expect, it } from 'vitest';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import { BULK_SQL, insertPeople, insertSets, readPlans, usePlanDatabase } from '../support/query-plans.ts';

/** A sort of the rows read, in either engine's words: what a read walking an index in order needs not. */
const SORTED = /TEMP B-TREE|\bSort\b/;
const SHOWN_INDEX = 'recommendation_sets_shown_by_person_index';

/**
 * A person given 3,000 sets retracted since and 1,000 replaced, among 2,000 people given one set
 * each. The set they are shown, read by the portal and by each publication for them, may not be
 * found by sorting their history.
 */
describe('query plan of the set a person is shown, for a person with a long history', () => {
  let store: KnexRecommendationStore;
  const deployment = usePlanDatabase(async (db) => {
    store = new KnexRecommendationStore(db);
    const { text, at } = BULK_SQL;
    await insertPeople(db, 2000);
    /** `n` sets given, each made at `second` and published a second later, replaced by `replacedBy`. */
    const given = (
      n: number,
      set: (g: string) => {
        id: string;
        seekerId: string;
        status: string;
        second: string;
        replacedBy?: string;
      },
    ) => {
      const { id, seekerId, status, second, replacedBy } = set('g');
      return insertSets(db, n, {
        id,
        seeker_id: seekerId,
        status: `'${status}'`,
        model_id: "'m-1'",
        model_version: "'1'",
        model_sha256: "'x'",
        created_at: at(second),
        published_at: at(`${second} + 1`),
        replaced_by_set_id: replacedBy ?? 'null',
        replaced_at: replacedBy === undefined ? 'null' : at('90000'),
      });
    };
    await given(2000, (g) => ({
      id: `'first-' || ${text(g)}`,
      seekerId: `'js-' || ${text(g)}`,
      status: 'published',
      second: g,
    }));
    // js-1 then: 3,000 sets retracted, 1,000 published and replaced by the next, then the set shown.
    await given(3000, (g) => ({
      id: `'retracted-' || ${text(g)}`,
      seekerId: `'js-1'`,
      status: 'retracted',
      second: `10000 + 2 * ${g}`,
    }));
    await given(1000, (g) => ({
      id: `'replaced-' || ${text(g)}`,
      seekerId: `'js-1'`,
      status: 'published',
      second: `20000 + 2 * ${g}`,
      replacedBy: `'replaced-' || ${text(`${g} + 1`)}`,
    }));
    await db('recommendation_sets').where({ id: 'replaced-1000' }).update({ replaced_by_set_id: 'latest-1' });
    await given(1, () => ({ id: `'latest-1'`, seekerId: `'js-1'`, status: 'published', second: '30000' }));
    // js-2's latest set was replaced by a set gone since; js-3 was given two sets in one millisecond;
    // js-4's latest set was retracted.
    await given(1, () => ({
      id: `'orphan-2'`,
      seekerId: `'js-2'`,
      status: 'published',
      second: '30000',
      replacedBy: `'gone-2'`,
    }));
    await given(1, () => ({ id: `'tie-a-3'`, seekerId: `'js-3'`, status: 'published', second: '30000' }));
    await given(1, () => ({ id: `'tie-b-3'`, seekerId: `'js-3'`, status: 'published', second: '30000' }));
    await given(1, () => ({ id: `'withdrawn-4'`, seekerId: `'js-4'`, status: 'retracted', second: '30000' }));
  });

  it('looks up the set a person is shown by the index of the sets shown, from its end, without sorting their history', async () => {
    const { db } = deployment;
    const plans = await readPlans(db, () => store.findShownSet('js-1'));
    const lookups = plans.filter(({ sql }) => /replaced_by_set_id. is null/.test(sql));
    expect(lookups).toHaveLength(1);
    for (const { sql, plan } of lookups) {
      expect(
        plan.split(/\n|; /).filter((step) => step.includes(SHOWN_INDEX)),
        plan,
      ).toHaveLength(1);
      expect(plan, sql).not.toMatch(SORTED);
    }
  });

  it('shows the set published last that is not replaced, retracted or not, the greater id in a tie', async () => {
    const shown = async (seekerId: string) => (await store.findShownSet(seekerId))?.id;
    expect(await shown('js-1')).toBe('latest-1');
    expect(await shown('js-2')).toBe('first-2');
    expect(await shown('js-3')).toBe('tie-b-3');
    expect(await shown('js-4')).toBe('withdrawn-4');
    expect(await shown('js-5')).toBe('first-5');
    expect(await shown('js-2001')).toBeUndefined();
  });
});
