import { describe, expect, it } from 'vitest';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import { BULK_SQL, insertPeople, insertSets, readPlans, usePlanDatabase } from '../support/query-plans.ts';

/** A whole-table read of `recommendation_sets` in either engine's words. */
const WHOLE_SETS = /SCAN recommendation_sets\b|Seq Scan on recommendation_sets/;

/**
 * A deployment a year on: 5,000 job seekers, 50,000 sets, many of them open, and half of those past
 * their lifetime. A queue read counts a due open set as expired in its status filter: neither
 * queue may read every set to do so.
 */
describe('query plans of the queue on a large deployment', () => {
  const NOW = new Date('2026-06-01T00:00:00.000Z');
  const deployment = usePlanDatabase(async (db) => {
    const { text } = BULK_SQL;
    // Each person's 10 sets: pending review and due, pending review, awaiting a second review and
    // due, awaiting a second review, then 6 published.
    const bucket = '((g - 1) / 5000)';
    await insertPeople(db, 5000, { counselors: 200 });
    await insertSets(db, 50_000, {
      seeker_id: `'js-' || ${text('g % 5000 + 1')}`,
      status: `case ${bucket} when 0 then 'pending_review' when 1 then 'pending_review' when 2 then 'awaiting_second_review' when 3 then 'awaiting_second_review' else 'published' end`,
      expires_at: `case ${bucket} when 0 then '2026-05-01T00:00:00.000Z' when 2 then '2026-05-01T00:00:00.000Z' else '2026-07-01T00:00:00.000Z' end`,
      first_reviewer_id: "'c-1'",
    });
  });

  it.each([
    ['caseload', ['pending_review']],
    ['caseload', ['expired']],
    ['second_review', ['awaiting_second_review']],
    ['second_review', ['expired']],
  ] as const)('reads the %s queue filtered by %j without reading every set', async (queue, statuses) => {
    const { db } = deployment;
    const store = new KnexRecommendationStore(db);
    const plans = await readPlans(db, () =>
      store.list({ counselorId: 'c-7', now: NOW, queue, statuses, limit: 51 }),
    );
    expect(plans).toHaveLength(1);
    for (const { sql, plan } of plans) expect(plan, sql).not.toMatch(WHOLE_SETS);
  });

  it('lists the due open sets of the caseload as expired, and the others as they are', async () => {
    const { db } = deployment;
    const store = new KnexRecommendationStore(db);
    const open = await store.list({ counselorId: 'c-7', now: NOW, statuses: ['pending_review'], limit: 500 });
    const expired = await store.list({ counselorId: 'c-7', now: NOW, statuses: ['expired'], limit: 500 });
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((set) => set.expiresAt > NOW.toISOString())).toBe(true);
    expect(expired.length).toBeGreaterThan(0);
    expect(expired.every((set) => set.status === 'expired' && set.closedAt === set.expiresAt)).toBe(true);
  });
});
