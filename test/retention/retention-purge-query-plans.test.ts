import { describe, expect, it } from 'vitest';
import { KnexRetentionStore } from '../../src/retention/knex-retention-store.ts';
import {
  BULK_SQL,
  insertAnswers,
  insertItems,
  insertPeople,
  insertSets,
  readPlans,
  usePlanDatabase,
} from '../support/query-plans.ts';
import { TEST_ENGINE } from '../support/test-database.ts';

/** A whole-table read of `recommendation_sets` in either engine's words. */
const WHOLE_SETS = /SCAN recommendation_sets\b|Seq Scan on recommendation_sets/;
/** A whole-table read of `recommendation_items` in either engine's words. */
const WHOLE_ITEMS = /SCAN recommendation_items\b|Seq Scan on recommendation_items/;
/** A whole-table read of `feedback` in either engine's words. */
const WHOLE_FEEDBACK = /SCAN feedback\b|Seq Scan on feedback/;
const SETS = 20_000;
/** Sets past retention: the first PAST_ENDED ended long ago, the next PAST_OPEN are open and long expired. */
const PAST_ENDED = 10;
const PAST_OPEN = 5;
/** The retention cutoff. */
const BEFORE = '2026-01-01T00:00:00.000Z';

/**
 * A deployment a year on, 20,000 sets kept, an answer on each of their 40,000 items: the daily
 * retention run finds the few sets and answers past the period through indexes, not by reading every
 * set and every answer kept.
 */
describe("the retention run's purges of sets and answers on a large deployment", () => {
  const deployment = usePlanDatabase(async (db) => {
    await insertPeople(db, 1000);
    const { text, at } = BULK_SQL;
    // Set g: the first ended in 2025, the next open and expired in 2025; every other one made in 2026
    // and published, or (one in fifty) still awaiting its review.
    const past = `g <= ${PAST_ENDED + PAST_OPEN}`;
    const open = `(g > ${PAST_ENDED} and g <= ${PAST_ENDED + PAST_OPEN}) or g % 50 = 0`;
    const createdAt = `case when ${past} then '2025-06-01T00:00:00.000Z' else ${at('g * 60')} end`;
    await insertSets(db, SETS, {
      seeker_id: `'js-' || ${text('g % 1000 + 1')}`,
      status: `case when ${open} then 'pending_review' else 'published' end`,
      created_at: createdAt,
      expires_at: `case when ${past} then '2025-06-15T00:00:00.000Z' else '2027-01-01T00:00:00.000Z' end`,
      closed_at: `case when ${open} then null else ${createdAt} end`,
      published_at: `case when ${open} then null else ${createdAt} end`,
    });
    await insertItems(db, SETS * 2);
    // An answer on each item, given when its set was made; those of the past sets in 2025.
    await insertAnswers(db, SETS * 2, {
      seeker_id: `'js-' || ${text('((g + 1) / 2) % 1000 + 1')}`,
      created_at: `case when (g + 1) / 2 <= ${PAST_ENDED + PAST_OPEN} then '2025-06-02T00:00:00.000Z' else ${at('g * 30')} end`,
    });
  });

  it('finds the sets past retention, ended or open and expired, and their items and answers, without reading every set, item or answer, and purges only those', async () => {
    const { db } = deployment;
    const store = new KnexRetentionStore(db);
    let purged: Awaited<ReturnType<KnexRetentionStore['purgeRecommendationSets']>> | undefined;
    const plans = await readPlans(db, () =>
      db.transaction(async (trx) => {
        purged = await store.purgeRecommendationSets(trx, BEFORE);
      }),
    );
    const pastItems = (PAST_ENDED + PAST_OPEN) * 2;
    expect(purged).toMatchObject({ sets: PAST_ENDED + PAST_OPEN, items: pastItems, feedback: pastItems });
    expect(plans.length).toBeGreaterThan(0);
    for (const { sql, plan } of plans) {
      for (const whole of [WHOLE_SETS, WHOLE_ITEMS, WHOLE_FEEDBACK]) expect(plan, sql).not.toMatch(whole);
    }
    const left = await db('recommendation_sets').count({ n: '*' });
    expect(Number(left[0]?.n)).toBe(SETS - PAST_ENDED - PAST_OPEN);
  });

  it('finds the answers past retention without reading every answer', async () => {
    const { db } = deployment;
    // Answers left by a set kept (an item of a set made in 2026, answered in 2025: the clock's word).
    await db('feedback').where({ id: 'fb-40000' }).update({ created_at: '2025-12-31T00:00:00.000Z' });
    const [past] = await db('feedback').where('created_at', '<', BEFORE).count({ n: '*' });
    const store = new KnexRetentionStore(db);
    let purged = 0;
    const plans = await readPlans(db, () =>
      db.transaction(async (trx) => {
        purged = await store.purgeFeedback(trx, BEFORE);
      }),
    );
    expect(purged).toBe(Number(past?.n));
    expect(purged).toBeGreaterThan(0);
    expect(await db('feedback').where('created_at', '<', BEFORE).first()).toBeUndefined();
    expect(plans).toHaveLength(1);
    for (const { sql, plan } of plans) expect(plan, sql).not.toMatch(WHOLE_FEEDBACK);
  });

  it.runIf(TEST_ENGINE === 'postgres')(
    "deletes the items and answers of the sets past retention by their ids, even when the engine's statistics, taken when many more sets were past retention, lag behind",
    async () => {
      const { db } = deployment;
      // A thousand published sets ended in 2025 when the statistics were taken; all but ten of them ended in
      // 2026 by the time the run comes.
      const stale = Array.from({ length: 1100 }, (_, i) => 1001 + i)
        .filter((g) => g % 50 !== 0)
        .slice(0, 1000)
        .map((g) => `set-${g}`);
      await db('recommendation_sets').whereIn('id', stale).update({ closed_at: '2025-05-01T00:00:00.000Z' });
      await db.raw('analyze recommendation_sets');
      await db('recommendation_sets')
        .whereIn('id', stale.slice(10))
        .update({ closed_at: db.ref('created_at') });
      const store = new KnexRetentionStore(db);
      let purged: Awaited<ReturnType<KnexRetentionStore['purgeRecommendationSets']>> | undefined;
      const plans = await readPlans(db, () =>
        db.transaction(async (trx) => {
          purged = await store.purgeRecommendationSets(trx, BEFORE);
        }),
      );
      expect(purged).toMatchObject({ sets: 10, items: 20, feedback: 20 });
      for (const { sql, plan } of plans) {
        for (const whole of [WHOLE_ITEMS, WHOLE_FEEDBACK]) expect(plan, sql).not.toMatch(whole);
      }
    },
  );
});
