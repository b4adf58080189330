import { describe, expect, it } from 'vitest';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import {
  BULK_SQL,
  insertPeople,
  insertSets,
  readPlans,
  recordStatements,
  usePlanDatabase,
} from '../support/query-plans.ts';

/** A sort of the rows read, in either engine's words: what a read walking an index in order needs not. */
const SORTED = /TEMP B-TREE|\bSort\b/;

/**
 * A person whose counselor asked for suggestions 3,000 times (each set left open, as the bench's
 * person is), among 2,000 people with a few sets each, sets by hand included. A suggestion's
 * transaction reads the second review an earlier set of the person owes and their open sets by hand:
 * neither may read the person's sets one by one.
 */
describe('query plans of a suggestion’s reads for a person with many sets', () => {
  let store: KnexRecommendationStore;
  const deployment = usePlanDatabase(async (db) => {
    store = new KnexRecommendationStore(db);
    const { text, yes, at } = BULK_SQL;
    await insertPeople(db, 2000);
    // Everyone's: a published set, an open set by the model and an open set by hand, 2,000 seconds
    // apart; js-1's then go on with 3,000 open sets by the model, none drawn.
    const model = { model_id: "'m-1'", model_version: "'1'", model_sha256: "'x'" };
    const open = "'pending_review'";
    await insertSets(db, 2000, {
      id: `'published-' || ${text('g')}`,
      seeker_id: `'js-' || ${text('g')}`,
      ...model,
      created_at: at('g'),
      published_at: at('g + 1'),
      published_at_seq: '0',
      second_review_required: yes,
    });
    await insertSets(db, 2000, {
      id: `'model-' || ${text('g')}`,
      seeker_id: `'js-' || ${text('g')}`,
      status: open,
      ...model,
      created_at: at('2000 + g'),
    });
    await insertSets(db, 2000, {
      id: `'hand-' || ${text('g')}`,
      seeker_id: `'js-' || ${text('g')}`,
      status: open,
      created_at: at('4000 + g'),
    });
    await insertSets(db, 3000, {
      id: `'again-' || ${text('g')}`,
      seeker_id: "'js-1'",
      status: open,
      ...model,
      created_at: at('6000 + g'),
    });
    // js-2 owes a second review: a set drawn after their publication, discarded, then 1,000 sets
    // not drawn; an older drawn set, made before the publication, was paid by it. js-3's drawn set
    // made after their publication was paid by a later drawn set published, then retracted.
    // Made and published before the log's order was kept (seq 0), unless `seqs` say otherwise.
    const drawn = (
      id: string,
      seekerId: string,
      status: string,
      second: string,
      published: string | null,
      seqs: { created: number; published?: number } = { created: 0, published: 0 },
    ) =>
      insertSets(db, 1, {
        id: `'${id}'`,
        seeker_id: `'${seekerId}'`,
        status: `'${status}'`,
        ...model,
        created_at: at(second),
        created_at_seq: String(seqs.created),
        published_at: published === null ? 'null' : at(published),
        published_at_seq: published === null ? 'null' : String(seqs.published),
        second_review_required: yes,
      });
    await drawn('paid-2', 'js-2', 'expired', '1', null);
    await drawn('owed-2', 'js-2', 'discarded', '9000', null);
    await drawn('paid-3', 'js-3', 'discarded', '9000', null);
    await drawn('retracted-3', 'js-3', 'retracted', '9001', '9002');
    await insertSets(db, 1000, {
      id: `'later-' || ${text('g')}`,
      seeker_id: "'js-2'",
      status: open,
      ...model,
      created_at: at('10000 + g'),
    });
    // js-4 was given 3,000 sets, one after the other, each replacing the one before; then a set
    // drawn after the last of them still owes its second review.
    await insertSets(db, 3000, {
      id: `'given-' || ${text('g')}`,
      seeker_id: "'js-4'",
      ...model,
      created_at: at('20000 + 2 * g'),
      published_at: at('20001 + 2 * g'),
      published_at_seq: '0',
    });
    await drawn('owed-4', 'js-4', 'discarded', '30000', null);
    // Told by the log's order, not the clocks: js-5's drawn set, made after their publication by a
    // clock lagging behind, owes; js-6's, made before their publication by a clock ahead, and paid by
    // it, owes nothing; js-7's, made after the last publication kept at seq 0, owes.
    await drawn('shown-5', 'js-5', 'retracted', '9000', '9001', { created: 10, published: 11 });
    await drawn('owed-5', 'js-5', 'discarded', '8000', null, { created: 12 });
    await drawn('paid-6', 'js-6', 'discarded', '9500', null, { created: 10 });
    await drawn('shown-6', 'js-6', 'published', '9000', '9001', { created: 11, published: 12 });
    await drawn('owed-7', 'js-7', 'discarded', '500', null, { created: 3 });
  });

  it('looks up the second review a set owes by the index of drawn sets, newest first, without sorting the person’s sets', async () => {
    const { db } = deployment;
    const plans = await readPlans(db, () => db.transaction((trx) => store.findOwedSecondReview('js-1', trx)));
    expect(plans).toHaveLength(1);
    for (const { sql, plan } of plans) {
      expect(plan, sql).toContain('recommendation_sets_second_review_drawn_index');
      expect(plan, sql).not.toMatch(SORTED);
    }
  });

  it('looks up the person’s latest publication by the index of the sets given, from its end, however many they had', async () => {
    const { db } = deployment;
    const plans = await readPlans(db, () => db.transaction((trx) => store.findOwedSecondReview('js-4', trx)));
    expect(plans).toHaveLength(1);
    for (const { sql, plan } of plans) {
      expect(plan, sql).toContain('recommendation_sets_given_by_person_index');
      expect(plan, sql).not.toMatch(SORTED);
    }
  });

  it('finds the second review a drawn set owes among the person’s thousand newer sets and older ones', async () => {
    const { db } = deployment;
    const owedBy = (seekerId: string) => db.transaction((trx) => store.findOwedSecondReview(seekerId, trx));
    expect(await owedBy('js-2')).toBe('owed-2');
    // Paid by a publication made after the drawn set: by js-1's own, by js-3's retracted since.
    expect(await owedBy('js-1')).toBeUndefined();
    expect(await owedBy('js-3')).toBeUndefined();
    // Drawn after the last of the person's 3,000 publications.
    expect(await owedBy('js-4')).toBe('owed-4');
    expect(await owedBy('js-5')).toBe('owed-5');
    expect(await owedBy('js-6')).toBeUndefined();
    expect(await owedBy('js-7')).toBe('owed-7');
  });

  it('finds the person’s open sets by hand by their partial index, not among the sets the model made', async () => {
    const { db } = deployment;
    const plans = await readPlans(db, () =>
      db.transaction((trx) => store.findOpenForSeeker('js-1', trx, { madeBy: 'hand' })),
    );
    const byHand = plans.filter(({ sql }) => /model_id. is null/.test(sql));
    expect(byHand).not.toHaveLength(0);
    for (const { sql, plan } of byHand) {
      expect(plan, sql).toContain('recommendation_sets_made_by_hand_index');
    }
  });

  it('reads no items of the set a new suggestion keeps open, the person having no other open set', async () => {
    const { db } = deployment;
    const statements = await recordStatements(db, () =>
      db.transaction(async (trx) => {
        expect(
          await store.findOpenForSeeker('js-7', trx, { madeBy: 'model', exceptSetId: 'model-7' }),
        ).toEqual([]);
        const [other] = await store.findOpenForSeeker('js-7', trx, { exceptSetId: 'model-7' });
        expect(other?.id).toBe('hand-7');
      }),
    );
    const itemReads = statements.filter(({ sql }) => sql.includes('recommendation_items'));
    expect(itemReads).toHaveLength(1);
  });
});
