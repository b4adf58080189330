import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrateToLatest } from '../../src/db/migrations.ts';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import { indexOfMigration, insertJobSeekerAsBefore } from '../support/migrate-first.ts';
import { useTestDatabase } from '../support/use-test-database.ts';

const MIGRATION = '20261130130000_add_closed_at_to_sets';
const SEEKER_ID = 'js-before-closed-at';
const CREATED_AT = '2026-11-02T08:00:00.000Z';
const EXPIRES_AT = '2026-11-09T08:00:00.000Z';
const PUBLISHED_AT = '2026-11-03T10:30:00.000Z';

const SETS = {
  published: '00000000-0000-4000-8000-0000000c1001',
  expired: '00000000-0000-4000-8000-0000000c1002',
  discarded: '00000000-0000-4000-8000-0000000c1003',
  pendingReview: '00000000-0000-4000-8000-0000000c1004',
  awaitingSecondReview: '00000000-0000-4000-8000-0000000c1005',
} as const;

/** A set in the columns recommendation_sets had before this migration (the store writes today's). */
function aSetRowAsBefore(id: string, status: string, more: Record<string, unknown> = {}) {
  return {
    id,
    seeker_id: SEEKER_ID,
    counselor_id: 'c-001',
    status,
    model_id: 'aiguillage-ebm-1.0.0',
    model_version: '1.0.0',
    model_sha256: 'a'.repeat(64),
    attribution_method: JSON.stringify({ method: 'exact_additive' }),
    created_by: 'c-001',
    created_at: CREATED_AT,
    expires_at: EXPIRES_AT,
    opened_at: '2026-11-02T08:05:00.000Z',
    version: 3,
    second_review_required: false,
    ...more,
  };
}

/**
 * Sets closed before `closed_at` existed get the moment their review ended when it is known: a
 * published set's publication, an expired set's end of lifetime. A discarded set's end was not
 * kept, and open sets have not ended.
 */
describe(`migration ${MIGRATION}`, () => {
  const opened = useTestDatabase({ migrations: { before: MIGRATION } });

  it('backfills closed_at: published_at for published sets, expires_at for expired ones, null for the others', async () => {
    const { db } = opened;
    const index = indexOfMigration(MIGRATION);
    await insertJobSeekerAsBefore(db, SEEKER_ID, CREATED_AT);
    await db('recommendation_sets').insert([
      aSetRowAsBefore(SETS.published, 'published', { published_at: PUBLISHED_AT, published_by: 'c-001' }),
      aSetRowAsBefore(SETS.expired, 'expired'),
      aSetRowAsBefore(SETS.discarded, 'discarded', { discard_reason: 'La personne a trouvé un emploi' }),
      aSetRowAsBefore(SETS.pendingReview, 'pending_review'),
      aSetRowAsBefore(SETS.awaitingSecondReview, 'awaiting_second_review', { first_reviewer_id: 'c-001' }),
    ]);

    expect(await migrateToLatest(db)).toEqual(MIGRATIONS.slice(index).map(([name]) => name));

    const closedAt = Object.fromEntries(
      (await db('recommendation_sets').select('id', 'closed_at')).map((row) => [row.id, row.closed_at]),
    );
    expect(closedAt).toEqual({
      [SETS.published]: PUBLISHED_AT,
      [SETS.expired]: EXPIRES_AT,
      [SETS.discarded]: null,
      [SETS.pendingReview]: null,
      [SETS.awaitingSecondReview]: null,
    });
    // And the store reads them so.
    const store = new KnexRecommendationStore(db);
    expect((await store.findById(SETS.published))?.closedAt).toBe(PUBLISHED_AT);
    expect((await store.findById(SETS.expired))?.closedAt).toBe(EXPIRES_AT);
    expect((await store.findById(SETS.discarded))?.closedAt).toBeNull();
  });
});
