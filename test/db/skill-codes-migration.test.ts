import { beforeAll, describe, expect, it } from 'vitest';
import { KnexCourseStore } from '../../src/courses/knex-course-store.ts';
import { migrateToLatest } from '../../src/db/migrations.ts';
import { readStringArray } from '../../src/db/row-values.ts';
import { aCourse } from '../support/builders.ts';
import { insertJobSeekerAsBefore } from '../support/migrate-first.ts';
import { useTestDatabase } from '../support/use-test-database.ts';

const LOWER_CASE = '20261216040000_lower_case_skill_codes';
const TRIM = '20261217060000_trim_skill_codes';

/**
 * A database migrated up to `migration` (not included), holding the skill codes given for a person
 * (`js-old`) and a course (`OLD-COURSE`) as they were stored before it; `migrated()` runs the rest
 * and answers the codes then stored.
 */
function storedBefore(migration: string, codes: { person: string[]; course: string[] }) {
  const opened = useTestDatabase({ migrations: { before: migration } });
  beforeAll(async () => {
    const { db } = opened;
    await insertJobSeekerAsBefore(db, 'js-old', '2026-11-02T08:00:00.000Z');
    await insertJobSeekerAsBefore(db, 'js-untouched', '2026-11-02T08:00:00.000Z');
    await db('job_seekers')
      .where({ id: 'js-old' })
      .update({ skills: JSON.stringify(codes.person) });
    await db('job_seekers')
      .where({ id: 'js-untouched' })
      .update({ skills: JSON.stringify(['accueil']) });
    await new KnexCourseStore(db).upsertMany(
      [
        { id: 'OLD-COURSE', ...aCourse() },
        { id: 'OLD-NONE', ...aCourse({ skills: [] }) },
      ],
      new Date('2026-12-01T09:00:00Z'),
    );
    await db('courses')
      .where({ id: 'OLD-COURSE' })
      .update({ skills: JSON.stringify(codes.course) });
  });
  const skillsOf = async (table: string, id: string) =>
    readStringArray((await opened.db(table).where({ id }).first('skills'))?.skills);
  return {
    migrated: async () => {
      await migrateToLatest(opened.db);
      return {
        person: await skillsOf('job_seekers', 'js-old'),
        untouched: await skillsOf('job_seekers', 'js-untouched'),
        course: await skillsOf('courses', 'OLD-COURSE'),
        none: await skillsOf('courses', 'OLD-NONE'),
      };
    },
  };
}

describe(`migration ${LOWER_CASE}: skill codes stored as sent, before syncs and imports wrote them in lower case`, () => {
  const before = storedBefore(LOWER_CASE, {
    person: ['Accueil', 'SOUDAGE-TIG', 'accueil'],
    course: ['Soins', 'HYGIENE'],
  });

  it("writes the stored codes of people and courses in lower case, each once, leaving the others' rows as they were", async () => {
    expect(await before.migrated()).toEqual({
      person: ['accueil', 'soudage-tig'],
      untouched: ['accueil'],
      course: ['soins', 'hygiene'],
      none: [],
    });
  });
});

describe(`migration ${TRIM}: skill codes stored with spaces around them, as JSON syncs and imports sent them`, () => {
  const before = storedBefore(TRIM, {
    person: ['soins ', ' accueil', 'soins'],
    course: [' hygiene', 'soins '],
  });

  it('writes the stored codes of people and courses without the spaces around them, each once', async () => {
    expect(await before.migrated()).toEqual({
      person: ['soins', 'accueil'],
      untouched: ['accueil'],
      course: ['hygiene', 'soins'],
      none: [],
    });
  });
});
