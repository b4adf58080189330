import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrateToLatest } from '../../src/db/migrations.ts';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import { anEventRowAsLogged, indexOfMigration, insertJobSeekerAsBefore } from '../support/migrate-first.ts';
import { useTestDatabase } from '../support/use-test-database.ts';

const MIGRATION = '20261211030000_number_second_review_rounds';
const CREATED_AT = '2026-12-02T08:00:00.000Z';
const READ_AT = '2026-12-02T09:00:00.000Z';
const setId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A set in the columns recommendation_sets had before this migration. */
function aSetRowAsBefore(n: number, status: string, more: Record<string, unknown> = {}) {
  return {
    id: setId(n),
    seeker_id: 'js-a',
    counselor_id: 'c-001',
    status,
    model_id: 'aiguillage-ebm-1.0.0',
    model_version: '1.0.0',
    model_sha256: 'a'.repeat(64),
    attribution_method: JSON.stringify({ method: 'exact-additive' }),
    created_by: 'c-001',
    created_at: CREATED_AT,
    expires_at: CREATED_AT,
    version: 2,
    second_review_required: true,
    ...more,
  };
}

/** A `second_review.requested` row as the log keeps it (the migration reads its payload only). */
function aHandingOn(seq: number, n: number) {
  return anEventRowAsLogged(
    seq,
    'second_review.requested',
    { setId: setId(n), expiresAt: CREATED_AT },
    CREATED_AT,
  );
}

/** The rounds of sets handed on before they were counted, read from the log's handings-on. */
describe(`migration ${MIGRATION}`, () => {
  const opened = useTestDatabase({ migrations: { before: MIGRATION } });

  it('numbers each set’s round by its handings-on in the log, and gives the reads kept that round', async () => {
    const { db } = opened;
    const index = indexOfMigration(MIGRATION);
    await insertJobSeekerAsBefore(db, 'js-a', CREATED_AT);
    // 1: handed on twice (returned once), read in its second round; 2: never handed on.
    await db('recommendation_sets').insert([
      aSetRowAsBefore(1, 'awaiting_second_review', {
        first_reviewer_id: 'c-001',
        second_review_reads: JSON.stringify([{ by: 'c-002', at: READ_AT }]),
        returned_by: 'c-003',
        returned_at: CREATED_AT,
      }),
      aSetRowAsBefore(2, 'pending_review'),
    ]);
    await db('decision_events').insert([aHandingOn(1, 1), aHandingOn(2, 1)]);

    expect(await migrateToLatest(db)).toEqual(MIGRATIONS.slice(index).map(([name]) => name));

    const store = new KnexRecommendationStore(db);
    expect((await store.findById(setId(1)))?.secondReview).toMatchObject({
      round: 2,
      reads: [{ by: 'c-002', at: READ_AT, round: 2 }],
    });
    expect((await store.findById(setId(2)))?.secondReview).toMatchObject({ round: 0, reads: [] });
  });
});
