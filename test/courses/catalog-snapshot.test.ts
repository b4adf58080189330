import { describe, expect, it } from 'vitest';
import { CatalogSnapshot, type CatalogSource } from '../../src/courses/catalog-snapshot.ts';
import type { CandidateFilter, Course, CourseInput } from '../../src/courses/course.ts';
import { createFeatureWriter, FEATURE_COUNT } from '../../src/model/features.ts';
import { aCourse, aJobSeeker } from '../support/builders.ts';
import { computeFeatures } from '../support/features.ts';

const FILTER: CandidateFilter = {
  referenceDate: new Date('2027-01-01T08:00:00Z'),
  near: { point: { lat: 45.764, lon: 4.8357 }, radiusKm: 30 },
  includeRemote: false,
  maxPrerequisiteLevel: 4,
};

function aStoredCourse(id: string, overrides: Partial<CourseInput> = {}): Course {
  return { id, ...aCourse(overrides), updatedAt: '2026-12-01T09:00:00.000Z' };
}

/** A catalog in memory standing for the database: a write replaces the courses and bumps the version. */
class FakeCatalog implements CatalogSource {
  version = 1;
  courses: Course[] = [];
  loads = 0;
  /** When set, the next load waits for it after reading the courses, before answering. */
  gate: Promise<void> | undefined;

  write(courses: Course[]): void {
    this.courses = courses;
    this.version += 1;
  }

  async readVersion(): Promise<number> {
    return this.version;
  }

  async readCandidateCourses(): Promise<Course[]> {
    this.loads += 1;
    const courses = this.courses.map((course) => structuredClone(course));
    const gate = this.gate;
    this.gate = undefined;
    if (gate !== undefined) await gate;
    return courses;
  }
}

async function idsFound(snapshot: CatalogSnapshot, filter: CandidateFilter = FILTER): Promise<string[]> {
  return (await snapshot.findCandidates(filter)).courses.map((course) => course.id);
}

describe('CatalogSnapshot', () => {
  it('reads the catalog once while its version stays the same', async () => {
    const catalog = new FakeCatalog();
    catalog.write([aStoredCourse('A')]);
    const snapshot = new CatalogSnapshot(catalog);
    expect(await idsFound(snapshot)).toEqual(['A']);
    expect(await idsFound(snapshot)).toEqual(['A']);
    expect(catalog.loads).toBe(1);
  });

  it('reloads when the stored version changes, whichever process wrote', async () => {
    const catalog = new FakeCatalog();
    catalog.write([aStoredCourse('A')]);
    const snapshot = new CatalogSnapshot(catalog);
    expect(await idsFound(snapshot)).toEqual(['A']);
    catalog.write([aStoredCourse('A', { active: false }), aStoredCourse('B')]);
    expect(await idsFound(snapshot)).toEqual(['B']);
    expect(catalog.loads).toBe(2);
  });

  it('reloads when the version goes back, as after a restore from a backup', async () => {
    const catalog = new FakeCatalog();
    catalog.write([aStoredCourse('A')]);
    const snapshot = new CatalogSnapshot(catalog);
    await idsFound(snapshot);
    catalog.courses = [aStoredCourse('RESTORED')];
    catalog.version = 0;
    expect(await idsFound(snapshot)).toEqual(['RESTORED']);
  });

  it('shares one reload among concurrent searches', async () => {
    const catalog = new FakeCatalog();
    catalog.write([aStoredCourse('A')]);
    const snapshot = new CatalogSnapshot(catalog);
    const found = await Promise.all(Array.from({ length: 10 }, () => idsFound(snapshot)));
    expect(found).toEqual(Array.from({ length: 10 }, () => ['A']));
    expect(catalog.loads).toBe(1);
  });

  it('does not settle for a reload that began before a write the search has seen', async () => {
    const catalog = new FakeCatalog();
    catalog.write([aStoredCourse('OLD')]);
    const snapshot = new CatalogSnapshot(catalog);
    let open = (): void => {};
    catalog.gate = new Promise((resolve) => {
      open = resolve;
    });
    // The first search starts a reload that reads version 2 and its courses, then is held up.
    const first = idsFound(snapshot);
    await new Promise((resolve) => setImmediate(resolve));
    expect(catalog.loads).toBe(1);
    // A write commits, then a second search reads version 3 while that reload is still running.
    catalog.write([aStoredCourse('OLD'), aStoredCourse('NEW')]);
    const second = idsFound(snapshot);
    await new Promise((resolve) => setImmediate(resolve));
    open();
    expect(await first).toEqual(['OLD']);
    expect(await second).toEqual(['NEW', 'OLD']);
    expect(catalog.loads).toBe(2);
    // Version 3 was loaded by the second search: no reload any more.
    await idsFound(snapshot);
    expect(catalog.loads).toBe(2);
  });

  it('tries again on the next search after a failed reload', async () => {
    const catalog = new FakeCatalog();
    catalog.write([aStoredCourse('A')]);
    const failing: CatalogSource = {
      readVersion: () => catalog.readVersion(),
      readCandidateCourses: async () => {
        failing.readCandidateCourses = () => catalog.readCandidateCourses();
        throw new Error('connection lost');
      },
    };
    const snapshot = new CatalogSnapshot(failing);
    await expect(snapshot.findCandidates(FILTER)).rejects.toThrow('connection lost');
    expect(await idsFound(snapshot)).toEqual(['A']);
  });

  it('keeps only active courses with a planned session, in id order', async () => {
    const catalog = new FakeCatalog();
    catalog.write([
      aStoredCourse('C'),
      aStoredCourse('a'),
      aStoredCourse('B-OFF', { active: false }),
      aStoredCourse('B-NO-DATE', { nextSessionStart: null }),
      aStoredCourse('B'),
    ]);
    const snapshot = new CatalogSnapshot(catalog);
    expect(await idsFound(snapshot)).toEqual(['B', 'C', 'a']);
  });

  it('hands the scorer, for each course found, the row of the table that holds that course', async () => {
    const catalog = new FakeCatalog();
    catalog.write([
      aStoredCourse('A', { durationHours: 35, skills: ['accueil'] }),
      aStoredCourse('B-TOO-HIGH', { prerequisiteLevel: 7 }),
      aStoredCourse('C', { durationHours: 400, modality: 'remote', location: null, city: null }),
      aStoredCourse('D-PAST', { nextSessionStart: '2026-12-01' }),
      aStoredCourse('E', { durationHours: 120, targetOccupations: ['M1805'], returnToEmploymentRate: null }),
    ]);
    const batch = await new CatalogSnapshot(catalog).findCandidates({ ...FILTER, includeRemote: true });
    expect(batch.courses.map((course) => course.id)).toEqual(['A', 'C', 'E']);
    const person = aJobSeeker({ skills: ['accueil'], remoteOk: true });
    const writeRow = createFeatureWriter(person, FILTER.referenceDate, batch.table);
    batch.courses.forEach((course, k) => {
      const row = new Float32Array(FEATURE_COUNT);
      writeRow(batch.rows[k] ?? -1, row, 0);
      expect(Array.from(row), course.id).toEqual(
        Array.from(computeFeatures(person, course, FILTER.referenceDate)),
      );
    });
  });

  it('leaves out a course whose session date cannot be read, and still serves the others', async () => {
    const catalog = new FakeCatalog();
    catalog.write([aStoredCourse('A'), aStoredCourse('BROKEN', { nextSessionStart: '2027-13-45' })]);
    const snapshot = new CatalogSnapshot(catalog);
    expect(await idsFound(snapshot)).toEqual(['A']);
  });

  it('hands out frozen courses, so that no caller can change what the others see', async () => {
    const catalog = new FakeCatalog();
    catalog.write([aStoredCourse('A')]);
    const snapshot = new CatalogSnapshot(catalog);
    const [course] = (await snapshot.findCandidates(FILTER)).courses;
    expect(course).toBeDefined();
    expect(() => {
      (course as Course).title = 'changed';
    }).toThrow(TypeError);
    expect(() => (course as Course).skills.push('x')).toThrow(TypeError);
    expect((await snapshot.findCandidates(FILTER)).courses[0]?.title).toBe('Aide-soignant');
  });
});
