import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseInput } from '../../src/courses/course.ts';
import { aCourse } from '../support/builders.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const LYON = { lat: 45.764, lon: 4.8357 };
const VILLEURBANNE = { lat: 45.7719, lon: 4.8902 };
const GRENOBLE = { lat: 45.1885, lon: 5.7245 };
const PARIS = { lat: 48.8566, lon: 2.3522 };
const CAYENNE = { lat: 4.9224, lon: -52.3135 };

/** A small catalog where each course differs from the baseline in one or two ways. */
const CATALOG: Record<string, CourseInput> = {
  'CAT-01': aCourse({ title: 'Aide-soignant', provider: 'IFSI Lyon', location: LYON }),
  'CAT-02': aCourse({
    title: 'Auxiliaire de puériculture',
    provider: 'Croix-Rouge Formation',
    targetOccupations: ['J1304'],
    location: VILLEURBANNE,
    city: 'Villeurbanne',
    nextSessionStart: '2027-03-01',
  }),
  'CAT-03': aCourse({
    title: 'Développeur web',
    provider: 'Simplon',
    targetOccupations: ['M1805'],
    modality: 'remote',
    location: null,
    city: null,
    funded: false,
    nextSessionStart: '2027-02-15',
  }),
  'CAT-04': aCourse({
    title: 'Agent de sécurité',
    provider: 'AFPA Grenoble',
    targetOccupations: ['K2503'],
    location: GRENOBLE,
    city: 'Grenoble',
    certifying: false,
    nextSessionStart: null,
  }),
  'CAT-05': aCourse({
    title: 'Aide-soignant (session de printemps)',
    provider: 'AP-HP',
    targetOccupations: ['J1501', 'J1304'],
    modality: 'hybrid',
    location: PARIS,
    city: 'Paris',
    active: false,
    nextSessionStart: '2027-04-06',
  }),
  'CAT-06': aCourse({
    title: 'Cuisinier',
    provider: 'GRETA Lyon Métropole',
    targetOccupations: ['G1602'],
    location: VILLEURBANNE,
    city: 'Villeurbanne',
    nextSessionStart: '2026-12-01',
  }),
};

describe('course catalog API', () => {
  let t: TestApp;
  let admin: string;
  let counselor: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.tokenFor('admin', 'ops-1');
    counselor = await t.tokenFor('counselor', 'c-001');
    for (const [id, course] of Object.entries(CATALOG)) {
      const res = await t.http.put(`/v1/courses/${id}`).auth(admin, { type: 'bearer' }).send(course);
      expect(res.status).toBe(201);
    }
  });
  afterAll(() => t.close());

  async function search(query: Record<string, string | number | boolean>): Promise<string[]> {
    const res = await t.http.get('/v1/courses').query(query).auth(counselor, { type: 'bearer' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body.items as Array<{ id: string }>).map((course) => course.id);
  }

  describe('one course', () => {
    it('creates a course with 201, then replaces it with 200', async () => {
      const created = await t.http
        .put('/v1/courses/PUT-1')
        .auth(admin, { type: 'bearer' })
        .send(aCourse({ title: 'Maçon', location: CAYENNE, city: 'Cayenne', nextSessionStart: null }));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: 'PUT-1', title: 'Maçon', location: CAYENNE });

      const replaced = await t.http
        .put('/v1/courses/PUT-1')
        .auth(admin, { type: 'bearer' })
        .send(
          aCourse({
            title: 'Maçon du bâti ancien',
            targetOccupations: ['F1703'],
            location: CAYENNE,
            city: 'Cayenne',
            nextSessionStart: null,
          }),
        );
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ title: 'Maçon du bâti ancien', targetOccupations: ['F1703'] });
    });

    it('shows a course to counselors exactly as it was written, with the labels of its occupations (none loaded here)', async () => {
      const res = await t.http.get('/v1/courses/CAT-03').auth(counselor, { type: 'bearer' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        ...CATALOG['CAT-03'],
        id: 'CAT-03',
        updatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        targetOccupationLabels: [{ code: 'M1805', label: null }],
      });
    });

    it('answers a 404 problem for a course that does not exist', async () => {
      const res = await t.http.get('/v1/courses/NOPE-404').auth(counselor, { type: 'bearer' });
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 404, detail: 'course NOPE-404 was not found' });
    });

    it('lets only admins write the catalog', async () => {
      const res = await t.http.put('/v1/courses/PUT-2').auth(counselor, { type: 'bearer' }).send(aCourse());
      expect(res.status).toBe(403);
    });

    it.each(['in_person', 'hybrid'] as const)(
      'refuses an %s course without a location (422 naming location), which no search near a place would find',
      async (modality) => {
        const id = `NOWHERE-${modality}`;
        const res = await t.http
          .put(`/v1/courses/${id}`)
          .auth(admin, { type: 'bearer' })
          .send(aCourse({ modality, location: null, city: null }));
        expect(res.status).toBe(422);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        const reason =
          'is required for an in_person or hybrid course: give {lat, lon} where its sessions are held, ' +
          'or make the modality remote when the course is followed at a distance only';
        expect(res.body.errors).toEqual([{ path: 'location', message: reason }]);
        expect(res.body.detail).toBe(`the course breaks the catalog rules: location ${reason}`);
        const read = await t.http.get(`/v1/courses/${id}`).auth(counselor, { type: 'bearer' });
        expect(read.status).toBe(404);
      },
    );

    it('lists each invalid field of a course', async () => {
      const res = await t.http
        .put('/v1/courses/PUT-3')
        .auth(admin, { type: 'bearer' })
        .send({ ...aCourse(), exitLevel: 9, modality: 'boat', location: { lat: 12, lon: 200 } });
      expect(res.status).toBe(400);
      const paths = (res.body.errors as Array<{ path: string }>).map((e) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['/body/exitLevel', '/body/modality']));
    });
  });

  describe('search', () => {
    it('finds courses whose title or provider hold every word, whatever the case', async () => {
      expect(await search({ q: 'AIDE soignant' })).toEqual(['CAT-01', 'CAT-05']);
      expect(await search({ q: 'aide lyon' })).toEqual(['CAT-01']);
      expect(await search({ q: 'greta cuisinier' })).toEqual(['CAT-06']);
      expect(await search({ q: 'soignant plombier' })).toEqual([]);
    });

    it('finds words whatever their accents: "securite" finds "sécurité"', async () => {
      expect(await search({ q: 'securite' })).toEqual(['CAT-04']);
      expect(await search({ q: 'DÉVELOPPEUR' })).toEqual(['CAT-03']);
    });

    it('reads a + between words as a space, as forms and URLSearchParams send it', async () => {
      const query = new URLSearchParams({ q: 'greta cuisinier' }).toString();
      expect(query).toBe('q=greta+cuisinier');
      const res = await t.http.get(`/v1/courses?${query}`).auth(counselor, { type: 'bearer' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.items.map((course: { id: string }) => course.id)).toEqual(['CAT-06']);
    });

    it('treats LIKE wildcards in the words as plain characters', async () => {
      expect(await search({ q: '%' })).toEqual([]);
      expect(await search({ q: 'aide_soignant' })).toEqual([]);
    });

    it('filters by target occupation', async () => {
      expect(await search({ occupation: 'J1304' })).toEqual(['CAT-02', 'CAT-05']);
      expect(await search({ occupation: 'A1101' })).toEqual([]);
    });

    it('filters by modality, funding, certification and activity', async () => {
      expect(await search({ modality: 'remote' })).toEqual(['CAT-03']);
      expect(await search({ modality: 'hybrid' })).toEqual(['CAT-05']);
      expect(await search({ funded: false })).toEqual(['CAT-03']);
      expect(await search({ certifying: false })).toEqual(['CAT-04']);
      expect(await search({ active: false })).toEqual(['CAT-05']);
      expect(await search({ active: true, q: 'aide' })).toEqual(['CAT-01']);
    });

    it('filters by the date of the next session, bounds included', async () => {
      expect(await search({ startsAfter: '2027-02-15' })).toEqual(['CAT-02', 'CAT-03', 'CAT-05']);
      expect(await search({ startsBefore: '2027-01-11' })).toEqual(['CAT-01', 'CAT-06']);
      expect(await search({ startsAfter: '2027-01-12', startsBefore: '2027-03-01' })).toEqual([
        'CAT-02',
        'CAT-03',
      ]);
    });

    it('finds courses held within a radius, leaving remote-only courses out', async () => {
      const nearLyon = `${LYON.lat},${LYON.lon}`;
      expect(await search({ near: nearLyon, withinKm: 10 })).toEqual(['CAT-01', 'CAT-02', 'CAT-06']);
      // Grenoble is about 95 km from Lyon, Paris about 390 km.
      expect(await search({ near: nearLyon, withinKm: 90 })).not.toContain('CAT-04');
      expect(await search({ near: nearLyon, withinKm: 100 })).toContain('CAT-04');
      expect(await search({ near: nearLyon, withinKm: 1000 })).toEqual([
        'CAT-01',
        'CAT-02',
        'CAT-04',
        'CAT-05',
        'CAT-06',
      ]);
    });

    it('combines every filter with AND', async () => {
      expect(
        await search({
          q: 'aide',
          occupation: 'J1501',
          modality: 'in_person',
          near: `${LYON.lat},${LYON.lon}`,
          withinKm: 50,
          funded: true,
          certifying: true,
          active: true,
          startsAfter: '2027-01-01',
          startsBefore: '2027-01-31',
        }),
      ).toEqual(['CAT-01']);
      expect(await search({ occupation: 'J1304', active: true, q: 'croix' })).toEqual(['CAT-02']);
      expect(await search({ occupation: 'J1304', active: true, q: 'ap-hp' })).toEqual([]);
    });

    it('refuses near without withinKm, and withinKm without near, with a 400 problem', async () => {
      const alone = await t.http
        .get('/v1/courses')
        .query({ near: '45.7,4.8' })
        .auth(counselor, { type: 'bearer' });
      expect(alone.status).toBe(400);
      expect(alone.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(alone.body.errors).toEqual([{ path: '/query/withinKm', message: 'is required with near' }]);

      const radius = await t.http
        .get('/v1/courses')
        .query({ withinKm: 5 })
        .auth(counselor, { type: 'bearer' });
      expect(radius.status).toBe(400);
      expect(radius.body.errors).toEqual([{ path: '/query/near', message: 'is required with withinKm' }]);
    });

    it('refuses a point off the globe', async () => {
      const res = await t.http
        .get('/v1/courses')
        .query({ near: '95.1,4.8', withinKm: 5 })
        .auth(counselor, { type: 'bearer' });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].path).toBe('/query/near');
    });

    it('is closed to job seekers', async () => {
      const jobSeeker = await t.tokenFor('job_seeker', 'js-1');
      const res = await t.http.get('/v1/courses').auth(jobSeeker, { type: 'bearer' });
      expect(res.status).toBe(403);
    });
  });

  describe('pagination', () => {
    beforeAll(async () => {
      for (let n = 1; n <= 57; n += 1) {
        const id = `PAGE-${String(n).padStart(3, '0')}`;
        const res = await t.http
          .put(`/v1/courses/${id}`)
          .auth(admin, { type: 'bearer' })
          .send(aCourse({ title: `Pagination ${n}`, provider: 'Pager', funded: n % 2 === 0 }));
        expect(res.status).toBe(201);
      }
    });

    async function walk(query: Record<string, string | number | boolean>): Promise<string[][]> {
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const res: Response = await t.http
          .get('/v1/courses')
          .query(cursor === null ? query : { ...query, cursor })
          .auth(counselor, { type: 'bearer' });
        expect(res.status).toBe(200);
        pages.push((res.body.items as Array<{ id: string }>).map((course) => course.id));
        cursor = res.body.nextCursor;
        expect(pages.length).toBeLessThan(50);
      } while (cursor !== null);
      return pages;
    }

    it('walks every page in id order without repeating or skipping a course', async () => {
      const pages = await walk({ q: 'pager', limit: 5 });
      expect(pages.map((page) => page.length)).toEqual([...Array(11).fill(5), 2]);
      const ids = pages.flat();
      const expected = Array.from({ length: 57 }, (_, i) => `PAGE-${String(i + 1).padStart(3, '0')}`);
      expect(ids).toEqual(expected);
    });

    it('keeps the filters across pages', async () => {
      const ids = (await walk({ q: 'pager', funded: true, limit: 4 })).flat();
      expect(ids).toHaveLength(28);
      expect(new Set(ids).size).toBe(28);
    });

    it('pages with the same filters sent in another order, the point written another way', async () => {
      const filters = 'q=pager&funded=true&near=45.76,4.8357&withinKm=100';
      const all = await t.http.get(`/v1/courses?${filters}&limit=200`).auth(counselor, { type: 'bearer' });
      const first = await t.http.get(`/v1/courses?${filters}&limit=4`).auth(counselor, { type: 'bearer' });
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const rest = await t.http
        .get('/v1/courses?withinKm=100.0&near=45.760,4.8357&funded=true&q=pager&limit=200')
        .query({ cursor: first.body.nextCursor })
        .auth(counselor, { type: 'bearer' });
      expect(rest.status, JSON.stringify(rest.body)).toBe(200);
      const ids = (page: Response) => (page.body.items as Array<{ id: string }>).map((course) => course.id);
      expect([...ids(first), ...ids(rest)]).toEqual(ids(all));
    });

    it('refuses a cursor sent with other filters', async () => {
      const first = await t.http
        .get('/v1/courses')
        .query({ q: 'pager', funded: true, limit: 4 })
        .auth(counselor, { type: 'bearer' });
      expect(first.body.nextCursor).toEqual(expect.any(String));
      for (const other of [
        {},
        { q: 'pager' },
        { q: 'pager', funded: false },
        { q: 'Pager 1', funded: true },
      ]) {
        const res = await t.http
          .get('/v1/courses')
          .query({ ...other, limit: 4, cursor: first.body.nextCursor })
          .auth(counselor, { type: 'bearer' });
        expect(res.status, JSON.stringify(other)).toBe(400);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.body.errors).toEqual([
          {
            path: '/query/cursor',
            message: expect.stringMatching(/^belongs to another query: /),
          },
        ]);
      }
    });

    it('gives no cursor when the last page is exactly full', async () => {
      const pages = await walk({ q: 'pager', funded: false, limit: 29 });
      expect(pages.map((page) => page.length)).toEqual([29]);
    });

    it('serves 50 courses a page by default', async () => {
      const res = await t.http.get('/v1/courses').auth(counselor, { type: 'bearer' });
      expect(res.body.items).toHaveLength(50);
      expect(res.body.nextCursor).not.toBeNull();
    });

    it('refuses a cursor it did not give out with a 400 problem, never a 500', async () => {
      for (const cursor of ['Li5iYWQ', 'Zm9v_', '____', '%%%', 'a'.repeat(201)]) {
        const res = await t.http.get('/v1/courses').query({ cursor }).auth(counselor, { type: 'bearer' });
        expect(res.status, cursor).toBe(400);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      }
    });

    it('refuses a page size over 200', async () => {
      const res = await t.http.get('/v1/courses').query({ limit: 201 }).auth(counselor, { type: 'bearer' });
      expect(res.status).toBe(400);
    });
  });
});
