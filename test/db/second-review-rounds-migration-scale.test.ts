import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/db/migrations.ts';
import { anEventRowAsLogged, insertJobSeekerAsBefore } from '../support/migrate-first.ts';
import { openTestDatabase } from '../support/use-test-database.ts';

const MIGRATION = '20261211030000_number_second_review_rounds';
const AT = '2026-12-02T08:00:00.000Z';
const setId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/**
 * The statements of the migration that read the decision log, on a log of `count` sets each handed
 * to its second review once.
 */
async function logReadsOfMigrationOn(count: number): Promise<string[]> {
  const { db, close } = await openTestDatabase({ before: MIGRATION });
  try {
    await insertJobSeekerAsBefore(db, 'js-a', AT);
    const sets = [];
    const events = [];
    for (let n = 1; n <= count; n += 1) {
      sets.push({
        id: setId(n),
        seeker_id: 'js-a',
        counselor_id: 'c-001',
        status: 'published',
        model_id: 'aiguillage-ebm-1.0.0',
        model_version: '1.0.0',
        model_sha256: 'a'.repeat(64),
        attribution_method: JSON.stringify({ method: 'exact-additive' }),
        created_by: 'c-001',
        created_at: AT,
        expires_at: AT,
        version: 3,
        second_review_required: true,
        first_reviewer_id: 'c-001',
        second_reviewer_id: 'c-002',
      });
      events.push(anEventRowAsLogged(n, 'second_review.requested', { setId: setId(n), expiresAt: AT }, AT));
    }
    for (let i = 0; i < count; i += 200) {
      await db('recommendation_sets').insert(sets.slice(i, i + 200));
      await db('decision_events').insert(events.slice(i, i + 200));
    }
    const logReads: string[] = [];
    db.on('query', (query: { sql: string }) => {
      // A later migration's index on the log is no read of it by this one.
      if (/decision_events/i.test(query.sql) && !/^\s*create index/i.test(query.sql))
        logReads.push(query.sql);
    });
    await migrateToLatest(db);
    return logReads;
  } finally {
    await close();
  }
}

describe(`migration ${MIGRATION} on a database with a history`, () => {
  it('reads the log once to number the rounds, whatever the number of sets', async () => {
    // Counting each set's handings-on by reading the log once per set grows with the square of a
    // service's history: hours at start for a few years of sets.
    for (const count of [3, 300]) {
      const reads = await logReadsOfMigrationOn(count);
      expect(reads).toHaveLength(1);
      // Apart from the sets: a statement joining them would read the log again for each set.
      expect(reads[0]).not.toMatch(/recommendation_sets/i);
    }
  }, 120_000);
});
