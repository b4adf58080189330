import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CandidateFilter,
  Course,
  CourseInput,
  CourseRecord,
  CourseSearch,
  Modality,
} from '../../src/courses/course.ts';
import { KnexCourseStore } from '../../src/courses/knex-course-store.ts';
import { openDatabase } from '../../src/db/database.ts';
import { readNumber } from '../../src/db/row-values.ts';
import { createDemoRandom, type DemoRandom } from '../../src/demo/demo-random.ts';
import { parisDayOf } from '../../src/shared/french-day.ts';
import { distanceKm, type GeoPoint } from '../../src/shared/geo.ts';
import { aCourse } from '../support/builders.ts';
import { TEST_ENGINE } from '../support/test-database.ts';
import { useTestDatabase } from '../support/use-test-database.ts';

const NOW = new Date('2026-12-01T09:00:00.000Z');
const REFERENCE: CandidateFilter = {
  referenceDate: new Date('2027-01-01T08:00:00Z'),
  near: { point: { lat: 45.764, lon: 4.8357 }, radiusKm: 30 },
  includeRemote: false,
  maxPrerequisiteLevel: 4,
};

function aRecord(id: string, overrides: Partial<CourseInput> = {}): CourseRecord {
  return { id, ...aCourse(overrides) };
}

/**
 * Two API processes on one database: each has its own connection pool and its own store, hence its
 * own snapshot of the catalog.
 */
describe('KnexCourseStore candidates from the in-memory catalog', () => {
  const opened = useTestDatabase();
  let writerDb: Knex;
  let readerDb: Knex;
  let writer: KnexCourseStore;
  let reader: KnexCourseStore;

  beforeAll(async () => {
    const { database } = opened;
    writerDb = opened.db;
    readerDb = openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    writer = new KnexCourseStore(writerDb);
    reader = new KnexCourseStore(readerDb);
  });
  afterAll(async () => {
    await readerDb.destroy();
  });

  async function catalogVersion(): Promise<number> {
    const row: { version: unknown } | undefined = await writerDb('catalog_state').first('version');
    return readNumber(row?.version);
  }

  async function candidateIds(store: KnexCourseStore, prefix: string): Promise<string[]> {
    const found = await store.findCandidates(REFERENCE);
    return found.courses.map((course) => course.id).filter((id) => id.startsWith(prefix));
  }

  describe('across processes', () => {
    it('shows the next search of another process every write committed through one', async () => {
      await writer.upsert(aRecord('PROC-1'), NOW);
      expect(await candidateIds(reader, 'PROC-')).toEqual(['PROC-1']);

      await writer.upsert(aRecord('PROC-2'), NOW);
      expect(await candidateIds(reader, 'PROC-')).toEqual(['PROC-1', 'PROC-2']);

      await writer.upsert(aRecord('PROC-1', { active: false }), NOW);
      expect(await candidateIds(reader, 'PROC-')).toEqual(['PROC-2']);

      await writer.upsertMany([aRecord('PROC-2', { prerequisiteLevel: 6 }), aRecord('PROC-3')], NOW);
      expect(await candidateIds(reader, 'PROC-')).toEqual(['PROC-3']);
      // And the writer's own snapshot follows its writes just the same.
      expect(await candidateIds(writer, 'PROC-')).toEqual(['PROC-3']);
    });

    it('answers searches running at the same time with the same catalog', async () => {
      await writer.upsert(aRecord('SAME-1'), NOW);
      const answers = await Promise.all(Array.from({ length: 8 }, () => candidateIds(reader, 'SAME-')));
      expect(answers).toEqual(Array.from({ length: 8 }, () => ['SAME-1']));
    });
  });

  describe('writes at the same time', () => {
    // Two connections of one Node process on one SQLite file would block each other's event loop.
    it.runIf(TEST_ENGINE === 'postgres')(
      'all commit when two processes write the same courses in opposite orders, and count once each',
      async () => {
        const before = await catalogVersion();
        const ids = ['CONC-1', 'CONC-2', 'CONC-3'];
        await Promise.all(
          Array.from({ length: 16 }, (_, n) => {
            const store = n % 2 === 0 ? writer : reader;
            const order = n % 4 < 2 ? ids : [...ids].reverse();
            const courses = order.map((id) => aRecord(id, { durationHours: n + 1 }));
            return n % 3 === 0 ? store.upsert(aRecord('CONC-1'), NOW) : store.upsertMany(courses, NOW);
          }),
        );
        expect(await catalogVersion()).toBeGreaterThanOrEqual(before + 16);
        expect(await candidateIds(reader, 'CONC-')).toEqual(ids);
        expect(await candidateIds(writer, 'CONC-')).toEqual(ids);
      },
    );
  });

  describe('the catalog version', () => {
    it('goes up with every write, an import of many statements or a single course', async () => {
      const before = await catalogVersion();
      const courses = Array.from({ length: 900 }, (_, i) => aRecord(`BUMP-${String(i).padStart(3, '0')}`));
      await writer.upsertMany(courses, NOW);
      const afterImport = await catalogVersion();
      expect(afterImport).toBeGreaterThan(before);
      await writer.upsert(aRecord('BUMP-ONE'), NOW);
      expect(await catalogVersion()).toBeGreaterThan(afterImport);
    });

    it('goes up with a change made by hand in SQL, which the next search of every process sees', async () => {
      await writer.upsertMany([aRecord('HAND-1'), aRecord('HAND-2')], NOW);
      expect(await candidateIds(reader, 'HAND-')).toEqual(['HAND-1', 'HAND-2']);
      expect(await candidateIds(writer, 'HAND-')).toEqual(['HAND-1', 'HAND-2']);

      await writerDb.raw('update courses set active = ? where id = ?', [false, 'HAND-1']);
      expect(await candidateIds(reader, 'HAND-')).toEqual(['HAND-2']);
      await writerDb.raw('delete from courses where id = ?', ['HAND-2']);
      expect(await candidateIds(reader, 'HAND-')).toEqual([]);
      await writerDb.raw('update courses set active = ? where id = ?', [true, 'HAND-1']);
      expect(await candidateIds(reader, 'HAND-')).toEqual(['HAND-1']);
      expect(await candidateIds(writer, 'HAND-')).toEqual(['HAND-1']);
    });

    it('does not move, nor does any snapshot, when an import is rolled back', async () => {
      const readerBefore = await reader.findCandidates(REFERENCE);
      const writerBefore = await writer.findCandidates(REFERENCE);
      const version = await catalogVersion();
      // Candidates in the first chunks; a NOT NULL column left empty in the third makes the database refuse it.
      const courses = Array.from({ length: 900 }, (_, i) => aRecord(`ROLL-${String(i).padStart(3, '0')}`));
      courses[850] = { ...aRecord('ROLL-850'), title: null as unknown as string };
      await expect(writer.upsertMany(courses, NOW)).rejects.toThrow();

      expect(await catalogVersion()).toBe(version);
      expect(await reader.findCandidates(REFERENCE)).toEqual(readerBefore);
      expect(await writer.findCandidates(REFERENCE)).toEqual(writerBefore);
      expect(await writer.findById('ROLL-000')).toBeUndefined();
    });
  });

  describe('agreement with the SQL search', () => {
    const centres: Array<{ name: string; point: GeoPoint; spreadDegrees: number }> = [
      { name: 'Lyon', point: { lat: 45.764, lon: 4.8357 }, spreadDegrees: 1.5 },
      { name: 'Lille', point: { lat: 50.6292, lon: 3.0573 }, spreadDegrees: 4 },
      { name: 'Suva, across the antimeridian', point: { lat: -18.1416, lon: 178.4419 }, spreadDegrees: 4 },
    ];
    const modalities: readonly Modality[] = ['in_person', 'in_person', 'hybrid', 'remote'];
    const located: GeoPoint[] = [];

    beforeAll(async () => {
      const random = createDemoRandom(20_261_129);
      const courses: CourseRecord[] = [];
      for (let n = 0; n < 1500; n += 1) {
        const modality = random.pick(modalities);
        const centre = random.pick(centres);
        // A few in-person courses without a known place: nothing can show them to be within reach. Half
        // the remote ones name their provider's address, which brings them within no one's reach.
        const location = (modality === 'remote' ? random.chance(0.5) : random.chance(0.03))
          ? null
          : pointAround(random, centre.point, centre.spreadDegrees);
        if (location !== null) located.push(location);
        courses.push(
          aRecord(`AGREE-${String(n).padStart(4, '0')}`, {
            title: 'Accord',
            provider: 'Snapshot',
            modality,
            location,
            prerequisiteLevel: random.nextInt(3, 8),
            nextSessionStart: random.chance(0.1) ? null : `2027-0${random.nextInt(1, 3)}-${day(random)}`,
            active: random.chance(0.85),
          }),
        );
      }
      await writer.upsertMany(courses, NOW);
    });

    /** The candidates put together from plain SQL searches, one rule at a time. */
    async function searchCandidates(filter: CandidateFilter): Promise<string[]> {
      // The day after the reference day in France: a session after today, as the person's agency reads it.
      const parisNoon = new Date(`${parisDayOf(filter.referenceDate)}T12:00:00Z`);
      const nextDay = new Date(parisNoon.getTime() + 86_400_000).toISOString().slice(0, 10);
      const base: CourseSearch = { text: 'Snapshot', active: true, startsAfter: nextDay };
      const found: Course[] = [];
      if (filter.near !== null) {
        // The radius search leaves remote-only courses out, as the candidates' reachability does.
        found.push(...(await searchAll(writer, { ...base, near: filter.near })));
      }
      if (filter.includeRemote) {
        found.push(...(await searchAll(writer, { ...base, modality: 'remote' })));
        found.push(...(await searchAll(writer, { ...base, modality: 'hybrid' })));
      }
      const ids = found
        .filter((course) => course.prerequisiteLevel <= filter.maxPrerequisiteLevel)
        .map((course) => course.id);
      return [...new Set(ids)].sort();
    }

    it('finds exactly what the SQL search finds, for people all around, courses at the very edge included', async () => {
      const random = createDemoRandom(20_261_130);
      let total = 0;
      for (let n = 0; n < 60; n += 1) {
        const centre = random.pick(centres);
        const home = random.chance(0.1) ? null : pointAround(random, centre.point, 0.3);
        // Most radii pass right through a course, where the distance approximation decides alone.
        const edge = home === null ? undefined : random.pick(located);
        const radiusKm =
          home === null || edge === undefined || random.chance(0.2)
            ? random.nextInt(1, 400)
            : Math.min(1000, distanceKm(home, edge));
        const filter: CandidateFilter = {
          referenceDate: new Date(Date.UTC(2027, 0, random.nextInt(1, 80), random.nextInt(0, 23), 30)),
          near: home === null ? null : { point: home, radiusKm },
          includeRemote: random.chance(0.5),
          maxPrerequisiteLevel: random.nextInt(3, 8),
        };
        const expected = await searchCandidates(filter);
        const actual = (await reader.findCandidates(filter)).courses
          .map((course) => course.id)
          .filter((id) => id.startsWith('AGREE-'));
        expect(actual, JSON.stringify(filter)).toEqual(expected);
        total += actual.length;
      }
      expect(total).toBeGreaterThan(2000);
    });
  });
});

async function searchAll(store: KnexCourseStore, search: CourseSearch): Promise<Course[]> {
  const courses: Course[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.search(search, after === undefined ? { limit: 200 } : { after, limit: 200 });
    courses.push(...page.items);
    if (page.nextAfter === null) return courses;
    after = page.nextAfter;
  }
}

/** A point up to `spreadDegrees` away in latitude and longitude, wrapped across the antimeridian. */
function pointAround(random: DemoRandom, centre: GeoPoint, spreadDegrees: number): GeoPoint {
  const lat = centre.lat + (random.next() * 2 - 1) * spreadDegrees;
  const lon = centre.lon + (random.next() * 2 - 1) * spreadDegrees;
  return { lat, lon: lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon };
}

function day(random: DemoRandom): string {
  return String(random.nextInt(1, 28)).padStart(2, '0');
}
