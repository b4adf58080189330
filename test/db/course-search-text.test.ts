import { describe, expect, it } from 'vitest';
import * as addSearchText from '../../migrations/20261129210000_add_search_text_to_courses.ts';
import * as refoldSearchText from '../../migrations/20261130160000_refold_course_search_text.ts';
import * as refoldAsRead from '../../migrations/20261217030000_refold_course_search_text_as_read.ts';
import { KnexCourseStore } from '../../src/courses/knex-course-store.ts';
import { courseSearchText } from '../../src/courses/search-text.ts';
import { readNumber } from '../../src/db/row-values.ts';
import { aCourse } from '../support/builders.ts';
import { useTestDatabase } from '../support/use-test-database.ts';

describe('the search text of a course', () => {
  it('covers the title and the provider, kept apart', () => {
    expect(courseSearchText({ title: 'Soudeur', provider: 'Lycée Pro' })).toBe('soudeur\nlycee pro');
  });
});

describe('the search text of courses stored before it existed', () => {
  const opened = useTestDatabase();

  it('is filled by the migration, so that folded words find them', async () => {
    const { db } = opened;
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

  it('finds a course typed with a plain apostrophe, and the plain one with a typographic', async () => {
    const { db } = opened;
    const store = new KnexCourseStore(db);
    await store.upsertMany(
      [
        { id: 'APOS-1', ...aCourse({ title: 'Diplôme d’État d’aide-soignant', provider: 'IFSI' }) },
        { id: 'APOS-2', ...aCourse({ title: "Diplôme d'État d'infirmier", provider: 'IFSI' }) },
      ],
      new Date('2026-12-01T09:00:00Z'),
    );
    const found = async (text: string) =>
      (await store.search({ text }, { limit: 10 })).items.map((c) => c.id);
    expect(await found("d'etat")).toEqual(['APOS-1', 'APOS-2']);
    expect(await found('D’ÉTAT d’aide')).toEqual(['APOS-1']);
  });

  it('is folded again by a later migration, so that a plain apostrophe finds courses stored before', async () => {
    const { db } = opened;
    const store = new KnexCourseStore(db);
    await store.upsertMany(
      [{ id: 'APOS-OLD', ...aCourse({ title: 'Diplôme d’État de moniteur', provider: 'CEMEA' }) }],
      new Date('2026-12-01T09:00:00Z'),
    );
    // As the course was folded before apostrophes were: the typographic one kept.
    await db('courses')
      .where({ id: 'APOS-OLD' })
      .update({ search_text: 'diplome d’etat de moniteur\ncemea' });
    expect((await store.search({ text: "d'etat moniteur" }, { limit: 10 })).items).toEqual([]);

    await db.transaction((trx) => refoldSearchText.up(trx));

    const page = await store.search({ text: "d'etat moniteur" }, { limit: 10 });
    expect(page.items.map((course) => course.id)).toEqual(['APOS-OLD']);
  });

  it('finds a course whose title was pasted with compatibility forms or invisible characters, as a reader reads it', async () => {
    const { db } = opened;
    const store = new KnexCourseStore(db);
    await store.upsertMany(
      [
        // A ligature "ﬁ" as a PDF gives it, a soft hyphen as a word processor leaves it, full-width letters.
        {
          id: 'READ-1',
          ...aCourse({ title: 'Certiﬁcat de qualiﬁcation professionnelle', provider: 'AFPA' }),
        },
        { id: 'READ-2', ...aCourse({ title: 'Aide-soi\u00ADgnant', provider: 'Croix-Rouge' }) },
        { id: 'READ-3', ...aCourse({ title: 'ＣＡＣＥＳ R489', provider: 'Promotrans' }) },
      ],
      new Date('2026-12-01T09:00:00Z'),
    );
    const found = async (text: string) =>
      (await store.search({ text }, { limit: 10 })).items.map((c) => c.id);
    expect(await found('certificat qualification')).toEqual(['READ-1']);
    expect(await found('soignant croix-rouge')).toEqual(['READ-2']);
    expect(await found('caces')).toEqual(['READ-3']);
    // And the other way round: a word typed with a ligature finds the plain title.
    expect(await found('qualiﬁcation professionnelle')).toEqual(['READ-1']);
  });

  it('finds a title written with a non-breaking hyphen or a dash from the words typed with the hyphen of a keyboard', async () => {
    const { db } = opened;
    const store = new KnexCourseStore(db);
    await store.upsertMany(
      [
        {
          id: 'DASH-1',
          ...aCourse({ title: 'Employé\u2011e polyvalent\u2011e de restauration', provider: 'GRETA' }),
        },
        { id: 'DASH-2', ...aCourse({ title: 'Agent de propreté', provider: 'INHNI Saint\u2010Étienne' }) },
      ],
      new Date('2026-12-01T09:00:00Z'),
    );
    const found = async (text: string) =>
      (await store.search({ text }, { limit: 10 })).items.map((c) => c.id);
    expect(await found('employe-e polyvalent-e')).toEqual(['DASH-1']);
    expect(await found('saint-etienne')).toEqual(['DASH-2']);
    // And a word pasted with such a dash finds a title with the plain hyphen.
    expect(await found('d\u2019\u00c9tat d\u2019aide\u2011soignant')).toEqual(['APOS-1']);
  });

  it('is folded again as read by a later migration, for the courses stored before', async () => {
    const { db } = opened;
    const store = new KnexCourseStore(db);
    await store.upsertMany(
      [{ id: 'READ-OLD', ...aCourse({ title: 'Conﬁrmé en ﬂeuristerie', provider: 'CFA' }) }],
      new Date('2026-12-01T09:00:00Z'),
    );
    // As the course was folded before compatibility forms were: the ligatures kept.
    await db('courses').where({ id: 'READ-OLD' }).update({ search_text: 'conﬁrme en ﬂeuristerie\ncfa' });
    expect((await store.search({ text: 'fleuristerie' }, { limit: 10 })).items).toEqual([]);

    await db.transaction((trx) => refoldAsRead.up(trx));

    const page = await store.search({ text: 'confirme fleuristerie' }, { limit: 10 });
    expect(page.items.map((course) => course.id)).toEqual(['READ-OLD']);
  });
});
