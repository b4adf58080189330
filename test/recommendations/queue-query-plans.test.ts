import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrations.ts';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import { readPlans } from '../support/query-plans.ts';
import { createTestDatabase, TEST_ENGINE, type TestDatabase } from '../support/test-database.ts';

/** A whole-table read of `recommendation_sets` in either engine's words. */
const WHOLE_SETS = /SCAN recommendation_sets\b|Seq Scan on recommendation_sets/;

/**
 * A deployment a year on: 5,000 job seekers, 50,000 sets, many of them open, and half of those past
 * their lifetime. A queue read counts a due open set as expired in its status filter: neither
 * queue may read every set to do so.
 */
describe('query plans of the queue on a large deployment', () => {
  let database: TestDatabase;
  let db: Knex;
  const NOW = new Date('2026-06-01T00:00:00.000Z');

  beforeAll(async () => {
    database = await createTestDatabase();
    db = openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    await migrateToLatest(db);
    const series = (n: number, select: string) =>
      TEST_ENGINE === 'postgres'
        ? `select ${select} from generate_series(1, ${n}) g`
        : `with recursive n(g) as (select 1 union all select g + 1 from n where g < ${n}) select ${select} from n`;
    const text = (expr: string) => (TEST_ENGINE === 'postgres' ? `(${expr})::text` : `cast(${expr} as text)`);
    // Each person's 10 sets: pending review and due, pending review, awaiting a second review and
    // due, awaiting a second review, then 6 published.
    const bucket = '((g - 1) / 5000)';
    const [yes, no] = TEST_ENGINE === 'postgres' ? ['true', 'false'] : ['1', '0'];
    await db.raw(
      `insert into job_seekers (id, counselor_id, target_occupations, education_level, skills, years_experience, months_unemployed, mobility_radius_km, remote_ok, ai_objection, created_at, updated_at) ${series(
        5000,
        `'js-' || ${text('g')}, 'c-' || ${text('g % 200')}, '["M1805"]', 4, '[]', 1, 1, 30, ${yes}, ${no}, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'`,
      )}`,
    );
    await db.raw(
      `insert into recommendation_sets (id, seeker_id, counselor_id, status, created_by, created_at, expires_at, version, second_review_required, first_reviewer_id, blind_first) ${series(
        50_000,
        `'set-' || ${text('g')}, 'js-' || ${text('g % 5000 + 1')}, 'c-1',
         case ${bucket} when 0 then 'pending_review' when 1 then 'pending_review' when 2 then 'awaiting_second_review' when 3 then 'awaiting_second_review' else 'published' end,
         'c-1', '2026-01-01T00:00:00.000Z',
         case ${bucket} when 0 then '2026-05-01T00:00:00.000Z' when 2 then '2026-05-01T00:00:00.000Z' else '2026-07-01T00:00:00.000Z' end,
         1, ${no}, 'c-1', ${no}`,
      )}`,
    );
    if (TEST_ENGINE === 'postgres') await db.raw('analyze');
  }, 180_000);
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it.each([
    ['caseload', ['pending_review']],
    ['caseload', ['expired']],
    ['second_review', ['awaiting_second_review']],
    ['second_review', ['expired']],
  ] as const)('reads the %s queue filtered by %j without reading every set', async (queue, statuses) => {
    const store = new KnexRecommendationStore(db);
    const plans = await readPlans(db, () =>
      store.list({ counselorId: 'c-7', now: NOW, queue, statuses, limit: 51 }),
    );
    expect(plans).toHaveLength(1);
    for (const { sql, plan } of plans) expect(plan, sql).not.toMatch(WHOLE_SETS);
  });

  it('lists the due open sets of the caseload as expired, and the others as they are', async () => {
    const store = new KnexRecommendationStore(db);
    const open = await store.list({ counselorId: 'c-7', now: NOW, statuses: ['pending_review'], limit: 500 });
    const expired = await store.list({ counselorId: 'c-7', now: NOW, statuses: ['expired'], limit: 500 });
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((set) => set.expiresAt > NOW.toISOString())).toBe(true);
    expect(expired.length).toBeGreaterThan(0);
    expect(expired.every((set) => set.status === 'expired' && set.closedAt === set.expiresAt)).toBe(true);
  });
});
