import { beforeAll, describe, expect, it } from 'vitest';
import type { CandidateFilter, CourseInput, CourseRecord, CourseSearch } from '../../src/courses/course.ts';
import type { CourseStore } from '../../src/courses/course-store.ts';
import { KnexCourseStore } from '../../src/courses/knex-course-store.ts';
import { distanceKm, type GeoPoint } from '../../src/shared/geo.ts';
import { aCourse } from '../support/builders.ts';
import { useTestDatabase } from '../support/use-test-database.ts';

const NOW = new Date('2026-12-01T09:00:00.000Z');
const LATER = new Date('2026-12-02T10:30:00.000Z');

function aRecord(id: string, overrides: Partial<CourseInput> = {}): CourseRecord {
  return { id, ...aCourse(overrides) };
}

/** The point at `km` from `from` along `bearing` degrees, on the same sphere as `distanceKm`. */
function pointAt(from: GeoPoint, bearing: number, km: number): GeoPoint {
  const kmPerRadian = distanceKm({ lat: 0, lon: 0 }, { lat: 1, lon: 0 }) * (180 / Math.PI);
  const rad = Math.PI / 180;
  const angle = km / kmPerRadian;
  const lat1 = from.lat * rad;
  const lat2 = Math.asin(
    Math.sin(lat1) * Math.cos(angle) + Math.cos(lat1) * Math.sin(angle) * Math.cos(bearing * rad),
  );
  const lon2 =
    from.lon * rad +
    Math.atan2(
      Math.sin(bearing * rad) * Math.sin(angle) * Math.cos(lat1),
      Math.cos(angle) - Math.sin(lat1) * Math.sin(lat2),
    );
  const lon = ((((lon2 / rad + 540) % 360) + 360) % 360) - 180;
  return { lat: lat2 / rad, lon };
}

/** A small deterministic generator, so that a failing case can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

describe('KnexCourseStore', () => {
  const opened = useTestDatabase();
  let store: CourseStore;

  beforeAll(async () => {
    const { db } = opened;
    store = new KnexCourseStore(db);
  });

  async function searchAll(search: CourseSearch, limit = 200): Promise<string[]> {
    const ids: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.search(search, after === undefined ? { limit } : { after, limit });
      ids.push(...page.items.map((course) => course.id));
      if (page.nextAfter === null) return ids;
      after = page.nextAfter;
    }
  }

  describe('one course', () => {
    it('returns undefined for a course that does not exist', async () => {
      expect(await store.findById('MISSING')).toBeUndefined();
    });

    it('creates a course, then replaces it, giving the course it replaced', async () => {
      const first = await store.upsert(aRecord('ONE-1'), NOW);
      expect(first.previous).toBeNull();
      expect(first.course).toEqual({ ...aRecord('ONE-1'), updatedAt: NOW.toISOString() });

      const second = await store.upsert(aRecord('ONE-1', { title: 'Aide-soignant de nuit' }), LATER);
      expect(second.previous).toEqual(first.course);
      expect(second.course.title).toBe('Aide-soignant de nuit');
      expect(second.course.updatedAt).toBe(LATER.toISOString());
      expect(await store.findById('ONE-1')).toEqual(second.course);
    });

    it('reads back nulls, false and empty lists as they were written', async () => {
      const sparse = aRecord('ONE-2', {
        skills: [],
        modality: 'remote',
        location: null,
        city: null,
        nextSessionStart: null,
        funded: false,
        certifying: false,
        returnToEmploymentRate: null,
        active: false,
        durationHours: 0.5,
      });
      await store.upsert(sparse, NOW);
      expect(await store.findById('ONE-2')).toEqual({ ...sparse, updatedAt: NOW.toISOString() });
    });

    it('keeps the occupation index in step with the course', async () => {
      await store.upsert(aRecord('ONE-3', { targetOccupations: ['A1101', 'A1203'] }), NOW);
      expect(await searchAll({ occupation: 'A1101' })).toEqual(['ONE-3']);
      await store.upsert(aRecord('ONE-3', { targetOccupations: ['A1203', 'A1204'] }), LATER);
      expect(await searchAll({ occupation: 'A1101' })).toEqual([]);
      expect(await searchAll({ occupation: 'A1204' })).toEqual(['ONE-3']);
    });
  });

  describe('many courses', () => {
    it('gives the rate, session and status each replaced course had, across statements', async () => {
      await store.upsert(aRecord('RATE-0001'), NOW);
      await store.upsert(
        aRecord('RATE-1100', { returnToEmploymentRate: null, nextSessionStart: null, active: false }),
        NOW,
      );
      const courses = Array.from({ length: 1200 }, (_, i) => aRecord(`RATE-${String(i).padStart(4, '0')}`));
      const changed = courses.map((course) =>
        course.id === 'RATE-0001' ? { ...course, returnToEmploymentRate: 0.95 } : course,
      );
      const { replaced } = await store.upsertMany(changed, LATER);
      const { returnToEmploymentRate, nextSessionStart } = aRecord('RATE-0001');
      expect(replaced).toEqual(
        new Map([
          ['RATE-0001', { returnToEmploymentRate, nextSessionStart, active: true }],
          ['RATE-1100', { returnToEmploymentRate: null, nextSessionStart: null, active: false }],
        ]),
      );
    });

    it('writes more courses than one statement holds, counting new and replaced ones', async () => {
      await store.upsert(aRecord('MANY-0005'), NOW);
      const courses = Array.from({ length: 1234 }, (_, i) =>
        aRecord(`MANY-${String(i).padStart(4, '0')}`, {
          title: `Lot ${i}`,
          targetOccupations: ['B1101', `B${String(1200 + (i % 50))}`],
        }),
      );
      expect(await store.upsertMany(courses, LATER)).toMatchObject({ created: 1233, updated: 1 });
      expect(await store.findById('MANY-0005')).toMatchObject({
        title: 'Lot 5',
        updatedAt: LATER.toISOString(),
      });
      expect(await store.findById('MANY-1233')).toMatchObject({ title: 'Lot 1233' });
      expect(await searchAll({ occupation: 'B1101' })).toHaveLength(1234);
      expect(await searchAll({ occupation: 'B1249' })).toHaveLength(24);
    });

    it('replaces the occupations of courses it updates', async () => {
      await store.upsertMany([aRecord('SYNC-1', { targetOccupations: ['C1101'] })], NOW);
      await store.upsertMany([aRecord('SYNC-1', { targetOccupations: ['C1102'] })], LATER);
      expect(await searchAll({ occupation: 'C1101' })).toEqual([]);
      expect(await searchAll({ occupation: 'C1102' })).toEqual(['SYNC-1']);
    });

    it('writes nothing at all when one course in a later chunk fails', async () => {
      const before = await store.count();
      const courses = Array.from({ length: 900 }, (_, i) => aRecord(`ATOM-${String(i).padStart(3, '0')}`));
      // A NOT NULL column left empty: the database refuses the third chunk.
      courses[850] = { ...aRecord('ATOM-850'), title: null as unknown as string };
      await expect(store.upsertMany(courses, NOW)).rejects.toThrow();
      expect(await store.count()).toBe(before);
      expect(await store.findById('ATOM-000')).toBeUndefined();
      expect(await searchAll({ text: 'Aide-soignant', occupation: 'J1501' })).not.toContain('ATOM-000');
    });
  });

  describe('search', () => {
    beforeAll(async () => {
      await store.upsertMany(
        [
          aRecord('FIND-1', { title: 'Électricien du bâtiment', provider: 'AFPA Lyon' }),
          aRecord('FIND-2', { title: 'Plombier', provider: 'GRETA 100% emploi', modality: 'hybrid' }),
          aRecord('FIND-3', {
            title: 'Plombier_chauffagiste',
            provider: 'CFA',
            nextSessionStart: '2027-05-02',
          }),
          aRecord('FIND-4', { title: 'Soudeur', provider: 'Lycée pro', funded: false, certifying: false }),
          aRecord('FIND-5', { title: 'Plombier-zingueur', provider: 'CFA', active: false }),
        ],
        NOW,
      );
    });

    it('matches every word in the title or the provider, ignoring case', async () => {
      expect(await searchAll({ text: 'PLOMBIER' })).toEqual(['FIND-2', 'FIND-3', 'FIND-5']);
      expect(await searchAll({ text: 'plombier greta' })).toEqual(['FIND-2']);
      expect(await searchAll({ text: '  afpa   bâtiment ' })).toEqual(['FIND-1']);
    });

    it('matches words whatever their accents and the case of accented letters', async () => {
      for (const text of ['electricien', 'ÉLECTRICIEN', 'élèctricien batiment', 'BÂTIMENT']) {
        expect(await searchAll({ text })).toEqual(['FIND-1']);
      }
      expect(await searchAll({ text: 'lycee' })).toEqual(['FIND-4']);
    });

    it('takes %, _ and \\ in the words literally', async () => {
      expect(await searchAll({ text: '100%' })).toEqual(['FIND-2']);
      expect(await searchAll({ text: 'plombier_' })).toEqual(['FIND-3']);
      expect(await searchAll({ text: '%' })).toEqual(['FIND-2']);
      expect(await searchAll({ text: '\\' })).toEqual([]);
    });

    it('filters by modality, funding, certification and session dates', async () => {
      const text = 'plombier soudeur électricien'.split(' ');
      const among = async (search: CourseSearch) => {
        const found = new Set<string>();
        for (const word of text) for (const id of await searchAll({ ...search, text: word })) found.add(id);
        return [...found].sort();
      };
      expect(await among({ modality: 'hybrid' })).toEqual(['FIND-2']);
      expect(await among({ funded: false })).toEqual(['FIND-4']);
      expect(await among({ certifying: false })).toEqual(['FIND-4']);
      expect(await among({ active: false })).toEqual(['FIND-5']);
      expect(await among({ startsAfter: '2027-05-02' })).toEqual(['FIND-3']);
      expect(await among({ startsBefore: '2027-05-01', active: true })).toEqual([
        'FIND-1',
        'FIND-2',
        'FIND-4',
      ]);
    });

    it('pages by id with a cursor to the next page', async () => {
      const first = await store.search({ text: 'Lot' }, { limit: 500 });
      expect(first.items).toHaveLength(500);
      expect(first.nextAfter).toBe('MANY-0499');
      const second = await store.search({ text: 'Lot' }, { after: 'MANY-0499', limit: 500 });
      expect(second.items[0]?.id).toBe('MANY-0500');
      const last = await store.search({ text: 'Lot' }, { after: 'MANY-0999', limit: 500 });
      expect(last.items).toHaveLength(234);
      expect(last.nextAfter).toBeNull();
    });

    it('counts every course', async () => {
      const all = await searchAll({});
      expect(await store.count()).toBe(all.length);
    });
  });

  describe('which courses are still offered', () => {
    it('names the active ones among the ids, leaving out inactive and unknown ones, also past one statement', async () => {
      const many = Array.from({ length: 450 }, (_, i) => aRecord(`OFFERED-${String(i).padStart(3, '0')}`));
      await store.upsertMany(many, NOW);
      await store.upsert(aRecord('OFFERED-GONE', { active: false }), NOW);
      const ids = [...many.map((course) => course.id), 'OFFERED-GONE', 'OFFERED-UNKNOWN', 'OFFERED-000'];
      const offered = await store.findOfferedSessions(ids);
      expect([...offered.keys()].sort()).toEqual(many.map((course) => course.id));
      expect(await store.findOfferedSessions([])).toEqual(new Map());
    });

    it('gives the start of each one’s next session as planned now, null when none is', async () => {
      await store.upsert(aRecord('OFFERED-MOVED', { nextSessionStart: '2027-03-01' }), NOW);
      await store.upsert(aRecord('OFFERED-CANCELLED', { nextSessionStart: null }), NOW);
      const offered = await store.findOfferedSessions(['OFFERED-MOVED', 'OFFERED-CANCELLED']);
      expect(offered).toEqual(
        new Map([
          ['OFFERED-MOVED', '2027-03-01'],
          ['OFFERED-CANCELLED', null],
        ]),
      );
    });

    it('reads inside a transaction, on its connection', async () => {
      const { db } = opened;
      await store.upsert(aRecord('OFFERED-TRX'), NOW);
      const offered = await db.transaction((trx) =>
        store.findOfferedSessions(['OFFERED-TRX', 'OFFERED-GONE'], trx),
      );
      expect([...offered.keys()]).toEqual(['OFFERED-TRX']);
    });
  });

  describe('candidates for a person', () => {
    const lyon = { lat: 45.764, lon: 4.8357 };
    const paris = { lat: 48.8566, lon: 2.3522 };
    const villeurbanne = { lat: 45.7719, lon: 4.8902 };

    beforeAll(async () => {
      await store.upsertMany(
        [
          aRecord('CAND-IN', { location: lyon, prerequisiteLevel: 3 }),
          aRecord('CAND-FAR', { location: paris }),
          aRecord('CAND-HARD', { location: lyon, prerequisiteLevel: 5, exitLevel: 6 }),
          aRecord('CAND-PAST', { location: lyon, nextSessionStart: '2026-12-31' }),
          aRecord('CAND-SAME-DAY', { location: lyon, nextSessionStart: '2027-01-01' }),
          aRecord('CAND-NO-DATE', { location: lyon, nextSessionStart: null }),
          aRecord('CAND-OFF', { location: lyon, active: false }),
          aRecord('CAND-REMOTE', { modality: 'remote', location: null, city: null }),
          aRecord('CAND-HYBRID-FAR', { modality: 'hybrid', location: paris }),
          aRecord('CAND-HYBRID-NEAR', { modality: 'hybrid', location: villeurbanne }),
        ],
        NOW,
      );
    });

    async function candidates(near: CandidateFilter['near'], includeRemote: boolean): Promise<string[]> {
      const found = await store.findCandidates({
        referenceDate: new Date('2027-01-01T08:00:00Z'),
        near,
        includeRemote,
        maxPrerequisiteLevel: 4,
      });
      return found.courses.map((course) => course.id).filter((id) => id.startsWith('CAND-'));
    }

    it('keeps active courses near home whose prerequisite is met and whose next session is ahead', async () => {
      expect(await candidates({ point: lyon, radiusKm: 30 }, false)).toEqual(['CAND-HYBRID-NEAR', 'CAND-IN']);
    });

    it('adds remote and hybrid courses from anywhere when the person accepts remote learning', async () => {
      expect(await candidates({ point: lyon, radiusKm: 30 }, true)).toEqual([
        'CAND-HYBRID-FAR',
        'CAND-HYBRID-NEAR',
        'CAND-IN',
        'CAND-REMOTE',
      ]);
    });

    it('keeps only remote learning when the home is unknown, since nothing else can be shown reachable', async () => {
      expect(await candidates(null, false)).toEqual([]);
      expect(await candidates(null, true)).toEqual(['CAND-HYBRID-FAR', 'CAND-HYBRID-NEAR', 'CAND-REMOTE']);
    });
  });

  describe('radius search', () => {
    const centres: Array<[string, GeoPoint, number]> = [
      ['Lyon, 25 km', { lat: 45.764, lon: 4.8357 }, 25],
      ['Lyon, 300 km', { lat: 45.764, lon: 4.8357 }, 300],
      ['Lille, 1000 km', { lat: 50.6292, lon: 3.0573 }, 1000],
      ['Saint-Pierre, 60 km', { lat: 46.7811, lon: -56.1764 }, 60],
      ['Nouméa, 500 km', { lat: -22.2758, lon: 166.458 }, 500],
      ['Mata-Utu, across the antimeridian', { lat: -13.2825, lon: -176.1736 }, 800],
      ['Suva, across the antimeridian', { lat: -18.1416, lon: 178.4419 }, 400],
    ];
    const points = new Map<string, GeoPoint>();

    beforeAll(async () => {
      const random = seededRandom(20261129);
      const courses: CourseRecord[] = [];
      centres.forEach(([, centre, radiusKm], c) => {
        for (let n = 0; n < 150; n += 1) {
          const id = `GEO-${c}-${String(n).padStart(3, '0')}`;
          // Most points lie close to the edge, where an approximation would go wrong first.
          const km = radiusKm * (n % 3 === 0 ? 2 * random() : 0.9 + 0.2 * random());
          const point = pointAt(centre, 360 * random(), km);
          points.set(id, point);
          courses.push(aRecord(id, { title: 'Géo', provider: 'Radius', location: point }));
        }
      });
      courses.push(
        aRecord('GEO-REMOTE', { title: 'Géo', provider: 'Radius', modality: 'remote', location: null }),
      );
      await store.upsertMany(courses, NOW);
    });

    it.each(centres)(
      'finds exactly the courses within the radius around %s',
      async (_name, centre, radiusKm) => {
        const found = new Set(await searchAll({ text: 'Radius', near: { point: centre, radiusKm } }));
        expect(found.has('GEO-REMOTE')).toBe(false);
        // The SQL distance is an approximation: only a course within 1% of the edge may go either way.
        let inside = 0;
        for (const [id, point] of points) {
          const km = distanceKm(centre, point);
          if (km <= radiusKm * 0.99) {
            inside += 1;
            expect(found.has(id), `${id} at ${km.toFixed(1)} km`).toBe(true);
          }
          if (km >= radiusKm * 1.01) expect(found.has(id), `${id} at ${km.toFixed(1)} km`).toBe(false);
        }
        expect(inside).toBeGreaterThan(50);
      },
    );
  });
});
