import { describe, expect, it } from 'vitest';
import { KnexCourseStore } from '../../src/courses/knex-course-store.ts';
import { BULK_SQL, readPlans, usePlanDatabase } from '../support/query-plans.ts';
import { TEST_ENGINE } from '../support/test-database.ts';

const CATALOG = 5000;

/**
 * Which courses of a set the catalog still offers is read on every read of a set, every review
 * action and every portal page: on a regional catalog, it may not go through the catalog.
 */
describe('query plan of the courses still offered, on a catalog of 5,000 courses', () => {
  let store: KnexCourseStore;
  const catalog = usePlanDatabase(
    async (db) => {
      store = new KnexCourseStore(db);
      const { series, text, yes, no } = BULK_SQL;
      // Every course active but one in ten, each with a next session.
      await db.raw(
        `insert into courses (id, title, provider, target_occupations, skills, exit_level, prerequisite_level, duration_hours, modality, lat, lon, city, next_session_start, funded, certifying, active, updated_at) ${series(
          CATALOG,
          `'C-' || ${text('g')}, 'Cours', 'Centre', '["J1501"]', '[]', 4, 3, 400, 'in_person', 45.7, 4.8, 'Lyon', '2027-01-11', ${yes}, ${yes}, case when g % 10 = 0 then ${no} else ${yes} end, '2026-01-01T00:00:00.000Z'`,
        )}`,
      );
    },
    { analyze: 'courses' },
  );

  const IDS = ['C-1', 'C-2', 'C-10', 'C-77', 'C-4999', 'C-9999'];

  it('finds the courses of a set by their key, not through the courses the catalog offers', async () => {
    const { db } = catalog;
    const plans = await readPlans(db, () => store.findOfferedSessions(IDS));
    expect(plans).toHaveLength(1);
    const [{ sql, plan } = { sql: '', plan: '' }] = plans;
    expect(plan, sql).toMatch(
      TEST_ENGINE === 'sqlite'
        ? /^SEARCH courses USING INDEX sqlite_autoindex_courses_1 \(id=\?\)$/
        : /Index Scan using courses_pkey on courses|Bitmap Index Scan on courses_pkey/,
    );
    expect(plan, sql).not.toMatch(/courses_active_next_session_start_index|Seq Scan|SCAN courses/);
  });

  it('still leaves out the courses the catalog no longer offers', async () => {
    const offered = await store.findOfferedSessions(IDS);
    expect([...offered.keys()].sort()).toEqual(['C-1', 'C-2', 'C-4999', 'C-77']);
  });
});
