import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as addSearchText from '../../migrations/20261129210000_add_search_text_to_courses.ts';
import { KnexCourseStore } from '../../src/courses/knex-course-store.ts';
import { courseSearchText } from '../../src/courses/search-text.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrations.ts';
import { readNumber } from '../../src/db/row-values.ts';
import { aCourse } from '../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('the search text of a course', () => {
  it('covers the title and the provider, kept apart', () => {
    expect(courseSearchText({ title: 'Soudeur', provider: 'Lycée Pro' })).toBe('soudeur\nlycee pro');
  });
});

describe('the search text of courses stored before it existed', () => {
  let database: TestDatabase;
  let db: Knex;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    await migrateToLatest(db);
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  it('is filled by the migration, so that folded words find them', async () => {
    const store = new KnexCourseStore(db);
    const courses = Array.from({ length: 1_203 }, (_, i) => ({
      id: `OLD-${String(i).padStart(4, '0')}`,
      ...aCourse({ title: i % 2 === 0 ? `Électricien ${i}` : `Soudeur ${i}`, provider: 'Lycée Pro' }),
    }));
    await store.upsertMany(courses, new Date('2026-12-01T09:00:00Z'));

    // Back to the schema before the column, then forward again over the same 1,203 courses.
    await db.transaction((trx) => addSearchText.down(trx));
    await db.transaction((trx) => addSearchText.up(trx));

    const page = await store.search({ text: 'ELECTRICIEN lycee' }, { limit: 1_000 });
    expect(page.items).toHaveLength(602);
    const [unfilled] = await db('courses').whereNull('search_text').count({ n: '*' });
    expect(readNumber(unfilled?.n)).toBe(0);
  });
});
