import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnexCourseStore } from '../../src/courses/knex-course-store.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrations.ts';
import { readStringArray } from '../../src/db/row-values.ts';
import { aCourse } from '../support/builders.ts';
import { indexOfMigration, insertJobSeekerAsBefore, migrateFirst } from '../support/migrate-first.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const MIGRATION = '20261216040000_lower_case_skill_codes';

/** Skill codes stored as sent, before syncs and imports wrote them in lower case. */
describe(`migration ${MIGRATION}`, () => {
  let database: TestDatabase;
  let db: Knex;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  const skillsOf = async (table: string, id: string) =>
    readStringArray((await db(table).where({ id }).first('skills'))?.skills);

  it("writes the stored codes of people and courses in lower case, each once, leaving the others' rows as they were", async () => {
    await migrateFirst(db, indexOfMigration(MIGRATION));
    await insertJobSeekerAsBefore(db, 'js-mixed', '2026-11-02T08:00:00.000Z');
    await insertJobSeekerAsBefore(db, 'js-lower', '2026-11-02T08:00:00.000Z');
    await db('job_seekers')
      .where({ id: 'js-mixed' })
      .update({ skills: JSON.stringify(['Accueil', 'SOUDAGE-TIG', 'accueil']) });
    await db('job_seekers')
      .where({ id: 'js-lower' })
      .update({ skills: JSON.stringify(['accueil']) });
    await new KnexCourseStore(db).upsertMany(
      [
        { id: 'OLD-MIXED', ...aCourse({ skills: ['Soins', 'HYGIENE'] }) },
        { id: 'OLD-NONE', ...aCourse({ skills: [] }) },
      ],
      new Date('2026-12-01T09:00:00Z'),
    );

    await migrateToLatest(db);

    expect(await skillsOf('job_seekers', 'js-mixed')).toEqual(['accueil', 'soudage-tig']);
    expect(await skillsOf('job_seekers', 'js-lower')).toEqual(['accueil']);
    expect(await skillsOf('courses', 'OLD-MIXED')).toEqual(['soins', 'hygiene']);
    expect(await skillsOf('courses', 'OLD-NONE')).toEqual([]);
  });
});
