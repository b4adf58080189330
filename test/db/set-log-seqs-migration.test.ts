import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrateToLatest } from '../../src/db/migrations.ts';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import { indexOfMigration, insertJobSeekerAsBefore } from '../support/migrate-first.ts';
import { useTestDatabase } from '../support/use-test-database.ts';

const MIGRATION = '20261229010000_add_log_seqs_to_sets';

/** A set of `seekerId` in the columns recommendation_sets had before this migration. */
function aSetRowAsBefore(id: string, seekerId: string, status: string, more: Record<string, unknown> = {}) {
  return {
    id,
    seeker_id: seekerId,
    counselor_id: 'c-001',
    status,
    model_id: 'aiguillage-ebm-1.0.0',
    model_version: '1.0.0',
    model_sha256: 'a'.repeat(64),
    created_by: 'c-001',
    created_at: '2026-11-02T08:00:00.000Z',
    expires_at: '2026-11-09T08:00:00.000Z',
    version: 2,
    second_review_required: false,
    ...more,
  };
}

/**
 * The sets stored before each kept its place in the log's order share seq 0, made and published
 * alike, so that the second review a drawn set owes is told among them by their clocks, as before;
 * a set not published has no publication seq.
 */
describe(`migration ${MIGRATION}`, () => {
  const opened = useTestDatabase({ migrations: { before: MIGRATION } });

  it('gives every set made before it seq 0, and those published seq 0 for their publication, whose second reviews are then told by the clocks', async () => {
    const { db } = opened;
    await insertJobSeekerAsBefore(db, 'js-paid', '2026-11-01T08:00:00.000Z');
    await insertJobSeekerAsBefore(db, 'js-owed', '2026-11-01T08:00:00.000Z');
    const published = { published_at: '2026-11-03T10:30:00.000Z', published_by: 'c-001' };
    await db('recommendation_sets').insert([
      aSetRowAsBefore('set-drawn-before', 'js-paid', 'discarded', { second_review_required: true }),
      aSetRowAsBefore('set-retracted', 'js-paid', 'retracted', {
        ...published,
        retracted_by: 'c-001',
        retracted_at: '2026-11-04T10:30:00.000Z',
        retraction_reason: 'Formation annulée',
      }),
      aSetRowAsBefore('set-published', 'js-owed', 'published', published),
      aSetRowAsBefore('set-drawn-after', 'js-owed', 'expired', {
        second_review_required: true,
        created_at: '2026-11-03T11:00:00.000Z',
      }),
    ]);

    expect(await migrateToLatest(db)).toEqual(
      MIGRATIONS.slice(indexOfMigration(MIGRATION)).map(([name]) => name),
    );

    const rows = await db('recommendation_sets')
      .orderBy('id')
      .select('id', 'created_at_seq', 'published_at_seq');
    const seqOf = (value: unknown) => (value === null ? null : Number(value));
    expect(rows.map((row) => [row.id, seqOf(row.created_at_seq), seqOf(row.published_at_seq)])).toEqual([
      ['set-drawn-after', 0, null],
      ['set-drawn-before', 0, null],
      ['set-published', 0, 0],
      ['set-retracted', 0, 0],
    ]);
    const store = new KnexRecommendationStore(db);
    expect(await db.transaction((trx) => store.findOwedSecondReview('js-owed', trx))).toBe('set-drawn-after');
    expect(await db.transaction((trx) => store.findOwedSecondReview('js-paid', trx))).toBeUndefined();
  });
});
