import type { Knex } from 'knex';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/db/migrations.ts';
import { KnexFeedbackStore } from '../../src/portal/knex-feedback-store.ts';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import type { RecommendationSet } from '../../src/recommendations/recommendation.ts';
import { indexOfMigration, insertJobSeekerAsBefore, migrateFirst } from '../support/migrate-first.ts';
import { useTestDatabase } from '../support/use-test-database.ts';
import { aRecommendationSet } from '../support/workflow.ts';

const MIGRATION = '20261130100000_allow_sets_without_model';
const SEEKER_ID = 'js-before-manual-sets';
const FEEDBACK_ID = '00000000-0000-4000-8000-00000000f00d';

/**
 * Writes a set and its items in the columns they had before this migration: the store writes
 * today's, which later migrations added.
 */
async function insertAsBefore(trx: Knex.Transaction, set: RecommendationSet): Promise<void> {
  const model = set.model ?? { id: '', version: '', sha256: '' };
  await trx('recommendation_sets').insert({
    id: set.id,
    seeker_id: set.seekerId,
    counselor_id: set.counselorId,
    status: set.status,
    model_id: model.id,
    model_version: model.version,
    model_sha256: model.sha256,
    attribution_method: JSON.stringify(set.attributionMethod),
    created_by: set.createdBy,
    created_at: set.createdAt,
    expires_at: set.expiresAt,
    version: set.version,
    second_review_required: set.secondReview.required,
    profile_snapshot: set.profileSnapshot === null ? null : JSON.stringify(set.profileSnapshot),
  });
  for (const item of set.items) {
    await trx('recommendation_items').insert({
      id: item.id,
      set_id: set.id,
      course_id: item.course.id,
      course_snapshot: JSON.stringify(item.course),
      rank: item.rank,
      score: item.score,
      features: item.features === null ? null : JSON.stringify(item.features),
      attributions: JSON.stringify(item.attributions),
      counselor_explanation: item.counselorExplanation,
      seeker_explanation: JSON.stringify(item.seekerExplanation),
      source: item.source,
      decision: item.decision,
    });
  }
}

/**
 * Sets may go without a model from this migration on. On SQLite the table is rebuilt: a rebuild with
 * the foreign-key checks on would have deleted every item and feedback through their cascades.
 */
describe(`migration ${MIGRATION}`, () => {
  const opened = useTestDatabase({ migrations: { before: MIGRATION } });

  it('keeps every set, item and feedback written before it, with their cascades, and then stores a set with no model', async () => {
    const { db } = opened;
    const index = indexOfMigration(MIGRATION);
    await insertJobSeekerAsBefore(db, SEEKER_ID, '2026-10-01T08:00:00.000Z');
    const store = new KnexRecommendationStore(db);
    const modelSet = aRecommendationSet({ seekerId: SEEKER_ID });
    const [item] = modelSet.items;
    if (item === undefined) throw new Error('the builder makes one item');
    await db.transaction(async (trx) => {
      await insertAsBefore(trx, modelSet);
      await new KnexFeedbackStore(db).insert(trx, {
        id: FEEDBACK_ID,
        itemId: item.id,
        seekerId: SEEKER_ID,
        response: 'interested',
        comment: null,
        createdAt: '2026-10-02T08:00:00.000Z',
      });
    });

    expect((await migrateFirst(db, index + 1))[1]).toEqual([MIGRATION]);

    expect(await db('feedback').where({ item_id: item.id }).pluck('id')).toEqual([FEEDBACK_ID]);
    // Today's store reads and writes the columns later migrations added.
    await migrateFirst(db, MIGRATIONS.length);
    expect(await store.findById(modelSet.id)).toEqual(modelSet);
    const handMade = aRecommendationSet({
      id: '00000000-0000-4000-8000-0000000000aa',
      seekerId: SEEKER_ID,
      model: null,
      attributionMethod: null,
      items: [],
    });
    await db.transaction((trx) => store.insert(trx, handMade));
    expect(await store.findById(handMade.id)).toEqual(handMade);

    // The rebuilt table still cascades: deleting a set deletes its items and their feedback.
    await db('recommendation_sets').where({ id: modelSet.id }).delete();
    expect(await db('recommendation_items').where({ set_id: modelSet.id }).pluck('id')).toEqual([]);
    expect(await db('feedback').where({ item_id: item.id }).pluck('id')).toEqual([]);
  });
});
