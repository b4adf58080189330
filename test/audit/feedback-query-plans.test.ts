import { describe, expect, it } from 'vitest';
import { KnexFeedbackStore } from '../../src/portal/knex-feedback-store.ts';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import { KnexRetentionStore } from '../../src/retention/knex-retention-store.ts';
import {
  BULK_SQL,
  explainPlan,
  insertAnswers,
  insertItems,
  insertPeople,
  insertSets,
  readPlans,
  usePlanDatabase,
} from '../support/query-plans.ts';
import { TEST_ENGINE } from '../support/test-database.ts';

/** A whole-table read of `feedback` in either engine's words. */
const WHOLE_FEEDBACK = /SCAN (feedback|f)\b|Seq Scan on feedback/;

/**
 * A deployment a year on: 5,000 job seekers, 50,000 sets, 100,000 items, 100,000 answers. `feedback`
 * is read by item (a set's answers, which a counselor opens with each set; the count of a person's
 * answers about an item, which bounds them) and its foreign key cascades from `recommendation_items`
 * (every item the retention purge or an erasure deletes looks up its answers): none of these may
 * read every answer.
 */
describe("query plans of the job seekers' answers on a large deployment", () => {
  const SETS = 50_000;
  const deployment = usePlanDatabase(async (db) => {
    const { text } = BULK_SQL;
    const div = (a: string, b: number) => `((${a}) / ${b})`;
    await insertPeople(db, 5000, { counselors: 200 });
    await insertSets(db, SETS, {
      seeker_id: `'js-' || ${text(`${div('g', 10)} % 5000 + 1`)}`,
      expires_at: "'2026-01-03T00:00:00.000Z'",
      published_at: "'2026-01-02T00:00:00.000Z'",
      closed_at: "'2026-01-02T00:00:00.000Z'",
    });
    await insertItems(db, SETS * 2);
    await insertAnswers(db, SETS * 2, {
      seeker_id: `'js-' || ${text(`${div(`${div('g + 1', 2)}`, 10)} % 5000 + 1`)}`,
      created_at: "'2026-01-05T00:00:00.000Z'",
    });
    // 1,000 sets whose review ended long ago, two items each: what a daily retention run purges.
    await insertSets(db, 1000, {
      id: `'old-set-' || ${text('g')}`,
      seeker_id: `'js-' || ${text('g % 5000 + 1')}`,
      created_at: "'2024-01-01T00:00:00.000Z'",
      expires_at: "'2024-01-03T00:00:00.000Z'",
      published_at: "'2024-01-02T00:00:00.000Z'",
      closed_at: "'2024-01-02T00:00:00.000Z'",
    });
    await insertItems(db, 2000, {
      id: `'old-item-' || ${text('g')}`,
      set_id: `'old-set-' || ${text(`${div('g + 1', 2)}`)}`,
    });
  });

  it("reads a page of a set's answers (GET /v1/recommendations/{setId}/feedback) without reading every answer", async () => {
    const { db } = deployment;
    const store = new KnexFeedbackStore(db);
    const plans = await readPlans(db, () =>
      store.listForSet('set-4242', {
        limit: 1,
        after: { createdAt: '2026-01-01T00:00:00.000Z', id: 'fb-0' },
      }),
    );
    expect(plans).toHaveLength(1);
    for (const { sql, plan } of plans) expect(plan, sql).not.toMatch(WHOLE_FEEDBACK);
    expect(await store.listForSet('set-4242', { limit: 50 })).toHaveLength(2);
  });

  it("counts a person's answers about an item, as each new answer does, without reading every answer", async () => {
    const { db } = deployment;
    const store = new KnexFeedbackStore(db);
    const plans = await readPlans(db, () =>
      db.transaction((trx) => store.countForItem(trx, 'item-4242', 'js-213', 'answer')),
    );
    expect(plans).toHaveLength(1);
    for (const { sql, plan } of plans) expect(plan, sql).not.toMatch(WHOLE_FEEDBACK);
    expect(await db.transaction((trx) => store.countForItem(trx, 'item-4242', 'js-213', 'answer'))).toBe(1);
  });

  it("finds an item's answers, as the foreign key's cascade does for each item deleted, without reading every answer", async () => {
    const { db } = deployment;
    const plan = await explainPlan(db, {
      sql: 'select 1 from feedback where item_id = ?',
      bindings: ['item-4242'],
    });
    expect(plan).not.toMatch(WHOLE_FEEDBACK);
  });

  it("lists a counselor's queue with each set's contests, and its contested sets alone, without reading every answer or item", async () => {
    const { db } = deployment;
    // Twenty contests among the answers, each on the first set of js-8, js-208, …, js-3808 (on c-8's caseload).
    const { text } = BULK_SQL;
    await insertAnswers(db, 20, {
      id: `'contest-' || ${text('g')}`,
      item_id: `'item-' || ${text('((g - 1) * 200 + 7) * 20 + 2')}`,
      seeker_id: `'js-' || ${text('(g - 1) * 200 + 8')}`,
      response: "'contest'",
      created_at: "'2026-01-06T00:00:00.000Z'",
    });
    if (TEST_ENGINE === 'postgres') await db.raw('analyze feedback');
    const store = new KnexRecommendationStore(db);
    const plans = await readPlans(db, async () => {
      await store.list({ counselorId: 'c-8', now: new Date('2026-01-07T00:00:00.000Z'), limit: 50 });
      await store.list({
        counselorId: 'c-8',
        now: new Date('2026-01-07T00:00:00.000Z'),
        contested: true,
        limit: 50,
      });
    });
    expect(plans).toHaveLength(2);
    for (const { sql, plan } of plans) {
      expect(plan, sql).not.toMatch(WHOLE_FEEDBACK);
      expect(plan, sql).not.toMatch(/SCAN (recommendation_items|ci)\b|Seq Scan on recommendation_items/);
    }
    const contested = await store.list({
      counselorId: 'c-8',
      now: new Date('2026-01-07T00:00:00.000Z'),
      contested: true,
      limit: 50,
    });
    expect(contested.length).toBeGreaterThan(0);
    for (const set of contested)
      expect(set.contests).toEqual({ count: 1, lastAt: '2026-01-06T00:00:00.000Z', unanswered: 1 });
  });

  it('purges 1,000 old sets (2,000 items) in a retention run within seconds, not one scan of every answer per item', async () => {
    const { db } = deployment;
    const started = performance.now();
    const purged = await db.transaction((trx) =>
      new KnexRetentionStore(db).purgeRecommendationSets(trx, '2025-01-01T00:00:00.000Z'),
    );
    const elapsed = performance.now() - started;
    expect(purged).toMatchObject({ sets: 1000, items: 2000, feedback: 0 });
    // With an index on feedback(item_id) this takes well under a second on either engine.
    expect(elapsed).toBeLessThan(3000);
  }, 120_000);
});
