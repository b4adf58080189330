import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrateToLatest } from '../../src/db/migrations.ts';
import { KnexRetentionStore } from '../../src/retention/knex-retention-store.ts';
import { indexOfMigration, insertJobSeekerAsBefore } from '../support/migrate-first.ts';
import { useTestDatabase } from '../support/use-test-database.ts';

const MIGRATION = '20261221020000_index_first_second_review_read';
const CREATED_AT = '2026-12-02T08:00:00.000Z';
const EARLY_READ = '2026-12-02T09:00:00.000Z';
const LATE_READ = '2026-12-03T09:00:00.000Z';
const setId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A published set in the columns recommendation_sets had before this migration. */
function aSetRowAsBefore(n: number, reads: Array<{ by: string; at: string; round: number }> | null) {
  return {
    id: setId(n),
    seeker_id: 'js-a',
    counselor_id: 'c-001',
    status: 'published',
    model_id: 'aiguillage-ebm-1.0.0',
    model_version: '1.0.0',
    model_sha256: 'a'.repeat(64),
    attribution_method: JSON.stringify({ method: 'exact-additive' }),
    created_by: 'c-001',
    created_at: CREATED_AT,
    expires_at: CREATED_AT,
    version: 3,
    second_review_required: reads !== null,
    second_review_round: reads === null ? 0 : 1,
    second_review_reads: reads === null ? null : JSON.stringify(reads),
  };
}

/** The sets read for their second review before the earliest read was kept beside the reads. */
describe(`migration ${MIGRATION}`, () => {
  const opened = useTestDatabase({ migrations: { before: MIGRATION } });

  it('gives each set the time of its earliest second-review read, so that the retention run still finds it', async () => {
    const { db } = opened;
    const index = indexOfMigration(MIGRATION);
    await insertJobSeekerAsBefore(db, 'js-a', CREATED_AT);
    await db('recommendation_sets').insert([
      aSetRowAsBefore(1, [
        { by: 'c-003', at: LATE_READ, round: 1 },
        { by: 'c-002', at: EARLY_READ, round: 1 },
      ]),
      aSetRowAsBefore(2, null),
    ]);

    expect(await migrateToLatest(db)).toEqual(MIGRATIONS.slice(index).map(([name]) => name));

    const rows = await db('recommendation_sets').orderBy('id').select('id', 'second_review_first_read_at');
    expect(rows.map((row) => row.second_review_first_read_at)).toEqual([EARLY_READ, null]);
    // The run past the earlier read only: the later read stays, and is the earliest now.
    const cleared = await db.transaction((trx) =>
      new KnexRetentionStore(db).clearSecondReviewReads(trx, '2026-12-03T00:00:00.000Z'),
    );
    expect(cleared).toBe(1);
    const after = await db('recommendation_sets')
      .where({ id: setId(1) })
      .first();
    expect(JSON.parse(after.second_review_reads)).toEqual([{ by: 'c-003', at: LATE_READ, round: 1 }]);
    expect(after.second_review_first_read_at).toBe(LATE_READ);
  });
});
