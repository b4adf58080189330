import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrateToLatest } from '../../src/db/migrations.ts';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import { anEventRowAsLogged, indexOfMigration, insertJobSeekerAsBefore } from '../support/migrate-first.ts';
import { useTestDatabase } from '../support/use-test-database.ts';

const MIGRATION = '20261207160000_add_blind_first_to_sets';
const CREATED_AT = '2026-11-02T08:00:00.000Z';
const setId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A set in the columns recommendation_sets had before this migration. */
function aSetRowAsBefore(n: number, status: string, shortlisted = false) {
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
    second_review_required: false,
    ...(shortlisted
      ? { shortlist: JSON.stringify([]), shortlist_submitted_at: CREATED_AT, shortlist_overlap: 0 }
      : {}),
  };
}

/** A `recommendation.generated` row as the log keeps it (the migration reads its payload only). */
function aCreationEvent(seq: number, n: number, status: string) {
  return anEventRowAsLogged(seq, 'recommendation.generated', { setId: setId(n), status }, CREATED_AT);
}

/** Sets made before the flag was kept are found blind-first by their creation event in the log. */
describe(`migration ${MIGRATION}`, () => {
  const opened = useTestDatabase({ migrations: { before: MIGRATION } });

  it('marks blind-first the sets whose creation awaited a shortlist, shortlisted or not, and no other', async () => {
    const { db } = opened;
    const index = indexOfMigration(MIGRATION);
    await insertJobSeekerAsBefore(db, 'js-a', CREATED_AT);
    // 1: blind, discarded before its shortlist; 2: blind, shortlisted; 3: blind, still awaiting it;
    // 4: made with blind-first off, discarded.
    await db('recommendation_sets').insert([
      aSetRowAsBefore(1, 'discarded'),
      aSetRowAsBefore(2, 'pending_review', true),
      aSetRowAsBefore(3, 'awaiting_shortlist'),
      aSetRowAsBefore(4, 'discarded'),
    ]);
    await db('decision_events').insert([
      aCreationEvent(1, 1, 'awaiting_shortlist'),
      aCreationEvent(2, 2, 'awaiting_shortlist'),
      aCreationEvent(3, 3, 'awaiting_shortlist'),
      aCreationEvent(4, 4, 'pending_review'),
    ]);

    expect(await migrateToLatest(db)).toEqual(MIGRATIONS.slice(index).map(([name]) => name));

    const store = new KnexRecommendationStore(db);
    const blindFirst = async (n: number) => (await store.findById(setId(n)))?.blindFirst;
    expect([await blindFirst(1), await blindFirst(2), await blindFirst(3), await blindFirst(4)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});
