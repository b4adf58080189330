import { describe, expect, it } from 'vitest';
import { KnexRetentionStore } from '../../src/retention/knex-retention-store.ts';
import { BULK_SQL, insertPeople, insertSets, readPlans, usePlanDatabase } from '../support/query-plans.ts';

/** A whole-table read of `recommendation_sets` in either engine's words. */
const WHOLE_SETS = /SCAN recommendation_sets\b|Seq Scan on recommendation_sets/;
const SETS = 20_000;
const OLD = 10;
/** The read-trace cutoff: the first OLD sets were read before it, the others after. */
const BEFORE = '2026-02-01T00:00:00.000Z';

/**
 * A deployment where every set was handed to a second review and read: the daily retention run
 * clears the reads past the read-trace period, and finds them without reading every such set.
 */
describe('the retention run clearing second-review reads on a large deployment', () => {
  const deployment = usePlanDatabase(async (db) => {
    await insertPeople(db, 1000);
    const { text, yes, at } = BULK_SQL;
    // Set g was read at second g * 300 (g = 1..10 in January, the rest from February on), in its
    // first round, and is published: no review awaits it.
    const readAt = at(`case when g <= ${OLD} then g * 300 else 2678400 + g * 300 end`);
    await insertSets(db, SETS, {
      seeker_id: `'js-' || ${text('g % 1000 + 1')}`,
      expires_at: "'2026-12-01T00:00:00.000Z'",
      version: '3',
      second_review_required: yes,
      first_reviewer_id: "'c-1'",
      second_review_round: '1',
      second_review_reads: `'[{"by":"c-2","at":"' || ${readAt} || '","round":1}]'`,
      second_review_first_read_at: readAt,
    });
  });

  it('finds the sets holding a read past the period without reading every set, and clears only those', async () => {
    const { db } = deployment;
    const store = new KnexRetentionStore(db);
    let cleared = 0;
    const plans = await readPlans(db, () =>
      db.transaction(async (trx) => {
        cleared = await store.clearSecondReviewReads(trx, BEFORE);
      }),
    );
    expect(cleared).toBe(OLD);
    const reads = plans.filter(({ sql }) => /^\s*select/i.test(sql));
    expect(reads).toHaveLength(1);
    for (const { sql, plan } of reads) expect(plan, sql).not.toMatch(WHOLE_SETS);
    const left = await db('recommendation_sets').whereNotNull('second_review_reads').count({ n: '*' });
    expect(Number(left[0]?.n)).toBe(SETS - OLD);
    const firstReads = await db('recommendation_sets')
      .whereNotNull('second_review_first_read_at')
      .count({ n: '*' });
    expect(Number(firstReads[0]?.n)).toBe(SETS - OLD);
  });
});
