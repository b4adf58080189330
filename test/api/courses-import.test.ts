import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseInput } from '../../src/courses/course.ts';
import { loadOpenApiDocument } from '../../src/http/openapi-document.ts';
import { aCourse } from '../support/builders.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const CSV_HEADER =
  'id,title,provider,targetOccupations,skills,exitLevel,prerequisiteLevel,durationHours,modality,lat,lon,city,nextSessionStart,funded,certifying,returnToEmploymentRate,active';

type Line = Record<string, unknown>;

function aLine(id: string, overrides: Partial<CourseInput> = {}): Line {
  return { id, ...aCourse(overrides) };
}

function ndjson(lines: readonly Line[]): string {
  return `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`;
}

function csvRow(id: string, course: CourseInput = aCourse()): string {
  const cells = [
    id,
    course.title,
    course.provider,
    course.targetOccupations.join('|'),
    course.skills.join('|'),
    course.exitLevel,
    course.prerequisiteLevel,
    course.durationHours,
    course.modality,
    course.location?.lat ?? '',
    course.location?.lon ?? '',
    course.city ?? '',
    course.nextSessionStart ?? '',
    course.funded,
    course.certifying,
    course.returnToEmploymentRate ?? '',
    course.active,
  ];
  return cells
    .map((cell) => (/[",\n]/.test(String(cell)) ? `"${String(cell).replace(/"/g, '""')}"` : cell))
    .join(',');
}

describe('course import API', () => {
  let t: TestApp;
  let admin: string;
  let counselor: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { IMPORT_BODY_LIMIT_BYTES: String(8 * 1024 * 1024) } });
    admin = await t.tokenFor('admin', 'ops-1');
    counselor = await t.tokenFor('counselor', 'c-001');
  });
  afterAll(() => t.close());

  function postImport(contentType: string, body: string) {
    return t.http
      .post('/v1/courses/import')
      .auth(admin, { type: 'bearer' })
      .set('Content-Type', contentType)
      .send(body);
  }

  async function countCourses(): Promise<number> {
    const [row] = await t.container.db('courses').count({ n: '*' });
    return Number(row?.n);
  }

  async function exists(id: string): Promise<boolean> {
    const res = await t.http.get(`/v1/courses/${id}`).auth(counselor, { type: 'bearer' });
    return res.status === 200;
  }

  describe('NDJSON', () => {
    it('imports every line and says how many were created and updated', async () => {
      const first = await postImport(
        'application/x-ndjson',
        ndjson([aLine('ND-1'), aLine('ND-2', { title: 'Plombier', targetOccupations: ['F1603'] })]),
      );
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ imported: 2, created: 2, updated: 0 });

      const second = await postImport(
        'application/x-ndjson; charset=utf-8',
        ndjson([aLine('ND-2', { title: 'Plombier chauffagiste' }), aLine('ND-3')]),
      );
      expect(second.status).toBe(200);
      expect(second.body).toEqual({ imported: 2, created: 1, updated: 1 });

      const res = await t.http.get('/v1/courses/ND-2').auth(counselor, { type: 'bearer' });
      expect(res.body).toMatchObject({ title: 'Plombier chauffagiste', targetOccupations: ['J1501'] });
      const byOccupation = await t.http
        .get('/v1/courses')
        .query({ occupation: 'F1603' })
        .auth(counselor, { type: 'bearer' });
      expect(byOccupation.body.items).toEqual([]);
    });

    it('refuses a JSON array of courses, on one line or spread over many, saying to send one course per line', async () => {
      const reason = expect.stringMatching(
        /^opens a JSON array: an NDJSON import takes one course, a JSON object, on each line; .*jq -c '\.\[\]'/,
      );
      const oneLine = await postImport(
        'application/x-ndjson',
        `${JSON.stringify([aLine('ARR-1'), aLine('ARR-2')])}\n`,
      );
      expect(oneLine.status).toBe(422);
      expect(oneLine.body.lineErrors).toEqual([{ line: 1, field: '(line)', reason }]);

      const pretty = await postImport('application/x-ndjson', JSON.stringify([aLine('ARR-3')], null, 2));
      expect(pretty.status).toBe(422);
      expect(pretty.body.lineErrors[0]).toEqual({ line: 1, field: '(line)', reason });
      expect(await exists('ARR-1')).toBe(false);
      expect(await exists('ARR-3')).toBe(false);
    });

    it('refuses a line that gives a key twice, naming the key, even nested or escaped', async () => {
      const line = JSON.stringify(aLine('TWICE-1'));
      const body = [
        line.replace('{', '{"active":true,').replace('"active":true}', '"active":false}'),
        JSON.stringify(
          aLine('TWICE-2', { modality: 'in_person', location: { lat: 45.76, lon: 4.83 } }),
        ).replace('"lon":4.83', '"lon":4.83,"\\u006cat":48.85'),
        JSON.stringify(aLine('TWICE-3')),
      ].join('\n');
      const res = await postImport('application/x-ndjson', body);
      expect(res.status).toBe(422);
      expect(res.body.lineErrors).toEqual([
        { line: 1, field: 'active', reason: 'is given more than once in its object: give it once' },
        { line: 2, field: 'location.lat', reason: 'is given more than once in its object: give it once' },
      ]);
      expect(await exists('TWICE-3')).toBe(false);
    });

    it('refuses a line whose title or provider holds a direction control, naming it and where it is', async () => {
      const body = ndjson([
        aLine('BIDI-1', { title: 'Aide-soignant \u202Etnangios' }),
        aLine('BIDI-2', { provider: '\u2066IFSI\u2069 Lyon' }),
        aLine('BIDI-3'),
      ]);
      const res = await postImport('application/x-ndjson', body);
      expect(res.status).toBe(422);
      expect(res.body.lineErrors).toEqual([
        {
          line: 1,
          field: 'title',
          reason:
            'holds U+202E (RIGHT-TO-LEFT OVERRIDE) at character 15, a control that makes the text display in another order than it is written: remove it',
        },
        {
          line: 2,
          field: 'provider',
          reason: expect.stringMatching(/^holds U\+2066 \(LEFT-TO-RIGHT ISOLATE\) at character 1,/),
        },
      ]);
      expect(await exists('BIDI-3')).toBe(false);
    });

    it('writes nothing when some lines are invalid, and reports each bad line', async () => {
      const before = await countCourses();
      const body = [
        JSON.stringify(aLine('BAD-1')),
        JSON.stringify({ ...aLine('BAD-2'), exitLevel: 9 }),
        JSON.stringify(aLine('BAD-3')),
        '',
        JSON.stringify({ ...aLine('BAD-5'), modality: 'boat', location: { lat: 95, lon: 2 }, colour: 'red' }),
        JSON.stringify(aLine('BAD-6')),
      ].join('\n');
      const res = await postImport('application/x-ndjson', body);
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({
        type: 'https://aiguillage.example/problems/invalid-import',
        status: 422,
        detail: '2 invalid lines; nothing was imported',
        invalidLineCount: 2,
        lineErrorsTruncated: false,
      });
      expect(res.body.lineErrors).toEqual([
        { line: 2, field: 'exitLevel', reason: 'must be an integer from 3 to 8' },
        { line: 5, field: 'colour', reason: 'is not a known field' },
        { line: 5, field: 'modality', reason: 'must be one of in_person, remote, hybrid' },
        { line: 5, field: 'location.lat', reason: 'must be a number from -90 to 90' },
      ]);
      expect(await countCourses()).toBe(before);
      expect(await exists('BAD-1')).toBe(false);
      expect(await exists('BAD-6')).toBe(false);
    });

    it('imports courses whose skills name the health or disability field they teach: they are about no one', async () => {
      const body = ndjson([aLine('SKILL-1', { skills: ['sante-mentale', 'accompagnement-handicap'] })]);
      const res = await postImport('application/x-ndjson', body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(await exists('SKILL-1')).toBe(true);
    });

    it('reports a line that is not JSON with its number', async () => {
      const body = [
        JSON.stringify(aLine('JS-1')),
        '{"id": "JS-2", "title": ',
        JSON.stringify(aLine('JS-3')),
      ].join('\r\n');
      const res = await postImport('application/x-ndjson', body);
      expect(res.status).toBe(422);
      expect(res.body.lineErrors).toEqual([
        { line: 2, field: '(line)', reason: expect.stringMatching(/^is not valid JSON/) },
      ]);
      expect(await exists('JS-1')).toBe(false);
    });

    it('refuses an in-person or hybrid line without a location, and tells a remote line without the key to give null', async () => {
      const remote = { ...aLine('WHERE-3', { modality: 'remote', city: null }) };
      delete remote.location;
      const res = await postImport(
        'application/x-ndjson',
        ndjson([
          aLine('WHERE-1', { location: null, city: null }),
          aLine('WHERE-2', { modality: 'hybrid', location: null }),
          remote,
          aLine('WHERE-4', { modality: 'remote', location: null, city: null }),
        ]),
      );
      expect(res.status).toBe(422);
      const heldSomewhere =
        'is required for an in_person or hybrid course: give {lat, lon} where its sessions are held, ' +
        'or make the modality remote when the course is followed at a distance only';
      expect(res.body.lineErrors).toEqual([
        { line: 1, field: 'location', reason: heldSomewhere },
        { line: 2, field: 'location', reason: heldSomewhere },
        { line: 3, field: 'location', reason: 'is required: null for a remote-only course' },
      ]);
      expect(await exists('WHERE-4')).toBe(false);
    });

    it('refuses an id repeated within one import, on the later line', async () => {
      const res = await postImport(
        'application/x-ndjson',
        ndjson([aLine('DUP-1'), aLine('DUP-2'), aLine('DUP-1', { title: 'Autre' }), aLine('DUP-1')]),
      );
      expect(res.status).toBe(422);
      expect(res.body.lineErrors).toEqual([
        { line: 3, field: 'id', reason: 'repeats the id of line 1' },
        { line: 4, field: 'id', reason: 'repeats the id of line 1' },
      ]);
      expect(await exists('DUP-2')).toBe(false);
    });

    it('lists at most 1000 errors and says so', async () => {
      const lines = Array.from({ length: 1200 }, (_, i) => ({ ...aLine(`MANY-${i}`), exitLevel: 2 }));
      const res = await postImport('application/x-ndjson', ndjson(lines));
      expect(res.status).toBe(422);
      expect(res.body.lineErrors).toHaveLength(1000);
      expect(res.body).toMatchObject({ invalidLineCount: 1200, lineErrorsTruncated: true });
      expect(res.body.detail).toBe(
        '1200 invalid lines; nothing was imported; only the first 1000 of 1200 errors are listed',
      );
    });

    it('counts every error of a line with 200,000 unknown fields, lists the first 1000 and says so', async () => {
      const line = aLine('WIDE-1');
      // A line of about 2.6 MB, within the limit: each unknown field is one error of the line.
      for (let index = 0; index < 200_000; index += 1) line[`k${index}`] = 0;
      const res = await postImport('application/x-ndjson', ndjson([line, aLine('WIDE-2')]));
      expect(res.status).toBe(422);
      expect(res.body.lineErrors).toHaveLength(1000);
      expect(res.body.lineErrors[0]).toEqual({ line: 1, field: 'k0', reason: 'is not a known field' });
      expect(res.body).toMatchObject({ invalidLineCount: 1, lineErrorsTruncated: true });
      expect(res.body.detail).toBe(
        '1 invalid line; nothing was imported; only the first 1000 of 200000 errors are listed',
      );
      expect(await exists('WIDE-2')).toBe(false);
    });

    it('refuses an import without any course, saying so and what a course line looks like', async () => {
      for (const [type, body] of [
        ['application/x-ndjson', ''],
        ['application/x-ndjson', '\n\n  \n'],
        ['text/csv', ''],
      ] as const) {
        const res = await postImport(type, body);
        expect(res.status).toBe(422);
        expect(res.body).toMatchObject({
          title: 'The import holds no course',
          detail:
            'the import holds no course; nothing was imported: send one course per line, a JSON object per ' +
            'line as application/x-ndjson, or a header row then a row per course as text/csv',
          lineErrors: [],
        });
      }
    });

    it('imports 20,000 lines in one request', async () => {
      const before = await countCourses();
      const lines = Array.from({ length: 20_000 }, (_, i) =>
        aLine(`BULK-${String(i).padStart(5, '0')}`, {
          title: `Formation ${i}`,
          targetOccupations: ['J1501', `M${String(1000 + (i % 900)).padStart(4, '0')}`],
          location: { lat: 43 + (i % 700) / 100, lon: -1 + (i % 800) / 100 },
        }),
      );
      const res = await postImport('application/x-ndjson', ndjson(lines));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ imported: 20_000, created: 20_000, updated: 0 });
      expect(await countCourses()).toBe(before + 20_000);
      const occupations = await t.container
        .db('course_occupations')
        .where('course_id', 'like', 'BULK-%')
        .count({ n: '*' });
      expect(Number(occupations[0]?.n)).toBe(40_000);
      const sample = await t.http.get('/v1/courses/BULK-12345').auth(counselor, { type: 'bearer' });
      expect(sample.body).toMatchObject({ title: 'Formation 12345', targetOccupations: ['J1501', 'M1645'] });
    });
  });

  describe('CSV', () => {
    it('imports rows under a header, with lists, empty cells and booleans', async () => {
      const remote = aCourse({
        title: 'Comptable, assistant',
        skills: [],
        modality: 'remote',
        location: null,
        city: null,
        nextSessionStart: null,
        returnToEmploymentRate: null,
        funded: false,
      });
      const body = [CSV_HEADER, csvRow('CSV-1'), csvRow('CSV-2', remote)].join('\r\n');
      const res = await postImport('text/csv', body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ imported: 2, created: 2, updated: 0 });

      const one = await t.http.get('/v1/courses/CSV-1').auth(counselor, { type: 'bearer' });
      expect(one.body).toMatchObject({ ...aCourse(), id: 'CSV-1' });
      const two = await t.http.get('/v1/courses/CSV-2').auth(counselor, { type: 'bearer' });
      expect(two.body).toMatchObject({ ...remote, id: 'CSV-2' });
    });

    it('refuses an in-person row without lat and lon, on its line', async () => {
      const nowhere = aCourse({ location: null, city: null });
      const res = await postImport('text/csv', [CSV_HEADER, csvRow('CSVWHERE-1', nowhere)].join('\n'));
      expect(res.status).toBe(422);
      expect(res.body.lineErrors).toEqual([
        {
          line: 2,
          field: 'location',
          reason: expect.stringMatching(/^is required for an in_person or hybrid course: /),
        },
      ]);
      expect(await exists('CSVWHERE-1')).toBe(false);
    });

    it('writes nothing when some rows are invalid, and reports each bad line (the header is line 1)', async () => {
      const before = await countCourses();
      const body = [
        CSV_HEADER,
        csvRow('CSVBAD-1'),
        csvRow('CSVBAD-2').replace(',1470,', ',-3,'),
        csvRow('CSVBAD-3').replace('J1501', 'J1501|Z9999'),
        csvRow('CSVBAD-4').replace(',true,true,0.81,true', ',yes,true,0.81,true'),
        'CSVBAD-5,too,few',
        csvRow('CSVBAD-6'),
      ].join('\n');
      const res = await postImport('text/csv', body);
      expect(res.status).toBe(422);
      expect(res.body.lineErrors).toEqual([
        { line: 3, field: 'durationHours', reason: 'must be more than 0 and at most 5000' },
        {
          line: 4,
          field: 'targetOccupations[1]',
          reason: 'must be a ROME code (a letter A to N, then 4 digits)',
        },
        { line: 5, field: 'funded', reason: 'must be true or false' },
        { line: 6, field: '(line)', reason: 'has 3 cells where the header has 17' },
      ]);
      expect(await countCourses()).toBe(before);
      expect(await exists('CSVBAD-1')).toBe(false);
    });

    it('skips a row of empty cells, as a spreadsheet saves a row left empty, and numbers the rows after it by their lines', async () => {
      const emptyRow = ','.repeat(16);
      const body = [
        CSV_HEADER,
        csvRow('CSVBLANK-1'),
        emptyRow,
        csvRow('CSVBLANK-2').replace(',4,3,', ',4,x,'),
        emptyRow,
        ` ${emptyRow.replace(',,', ', ,')} `,
      ].join('\r\n');
      const refused = await postImport('text/csv', body);
      expect(refused.status).toBe(422);
      expect(refused.body.lineErrors).toEqual([
        { line: 4, field: 'prerequisiteLevel', reason: 'must be an integer from 3 to 8' },
      ]);

      const imported = await postImport('text/csv', body.replace(',4,x,', ',4,3,'));
      expect(imported.status).toBe(200);
      expect(imported.body).toEqual({ imported: 2, created: 2, updated: 0 });
    });

    it('says a required cell left empty is empty, rather than of the wrong type', async () => {
      const empty = 'is required, and is empty here (a blank CSV cell, or null): give its value';
      const row = csvRow('CSVEMPTY-1').split(',');
      for (const column of ['title', 'exitLevel', 'durationHours', 'modality', 'funded', 'lon']) {
        row[CSV_HEADER.split(',').indexOf(column)] = '';
      }
      const res = await postImport('text/csv', [CSV_HEADER, `,${row.slice(1).join(',')}`].join('\n'));
      expect(res.status).toBe(422);
      expect(res.body.lineErrors).toEqual([
        { line: 2, field: 'id', reason: empty },
        { line: 2, field: 'title', reason: empty },
        { line: 2, field: 'exitLevel', reason: empty },
        { line: 2, field: 'durationHours', reason: empty },
        { line: 2, field: 'modality', reason: empty },
        { line: 2, field: 'location.lon', reason: empty },
        { line: 2, field: 'funded', reason: empty },
      ]);
      expect(await exists('CSVEMPTY-1')).toBe(false);
    });

    it('numbers a row by its first line when a quoted cell holds a line break', async () => {
      const multiline = csvRow('CSVML-1', aCourse({ title: 'Ligne 1\nLigne 2' }));
      const body = [CSV_HEADER, multiline, csvRow('CSVML-2').replace(',4,3,', ',4,x,')].join('\n');
      const res = await postImport('text/csv', body);
      expect(res.status).toBe(422);
      expect(res.body.lineErrors).toEqual([
        { line: 4, field: 'prerequisiteLevel', reason: 'must be an integer from 3 to 8' },
      ]);
    });

    it('reports unknown and missing columns on line 1', async () => {
      const header = CSV_HEADER.replace('city', 'town').replace(',active', '');
      const res = await postImport('text/csv', `${header}\n${csvRow('CSVH-1')}\n`);
      expect(res.status).toBe(422);
      expect(res.body.lineErrors).toEqual([
        { line: 1, field: 'town', reason: 'is not a known column' },
        { line: 1, field: 'city', reason: 'is a required column' },
        { line: 1, field: 'active', reason: 'is a required column' },
      ]);
    });

    it('reports a CSV syntax error on its line and stops there', async () => {
      const body = [CSV_HEADER, csvRow('CSVQ-1'), `CSVQ-2,"Aide "soignant",IFSI${csvRow('x').slice(1)}`].join(
        '\n',
      );
      const res = await postImport('text/csv', body);
      expect(res.status).toBe(422);
      expect(res.body.lineErrors).toEqual([
        {
          line: 3,
          field: '(line)',
          reason: expect.stringMatching(/^is not valid CSV .*the lines after it were not read$/),
        },
      ]);
    });

    it('refuses a CSV import holding a line that is not UTF-8 (422 on its line), as the NDJSON import does, and imports nothing', async () => {
      const before = await countCourses();
      const broken = Buffer.concat([
        Buffer.from(csvRow('CSVU-2').replace('CSVU-2,', 'CSVU-2,Aide ')),
        Buffer.from([0xc3, 0x28]),
      ]);
      const body = Buffer.concat([
        Buffer.from(`${CSV_HEADER}\n${csvRow('CSVU-1')}\n`),
        broken,
        Buffer.from('\n'),
      ]);
      const res = await t.http
        .post('/v1/courses/import')
        .auth(admin, { type: 'bearer' })
        .set('Content-Type', 'text/csv')
        .send(body);
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.lineErrors).toEqual([
        { line: 3, field: '(line)', reason: 'is not valid UTF-8; the lines after it were not read' },
      ]);
      expect(await countCourses()).toBe(before);
    });

    it('imports thousands of rows arriving in many chunks', async () => {
      const rows = Array.from({ length: 5000 }, (_, i) =>
        csvRow(`CSVBULK-${i}`, aCourse({ title: `Formation, session ${i}`, skills: ['soins', `s${i}`] })),
      );
      const res = await postImport('text/csv; charset=utf-8', [CSV_HEADER, ...rows].join('\n'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ imported: 5000, created: 5000, updated: 0 });
      const sample = await t.http.get('/v1/courses/CSVBULK-4321').auth(counselor, { type: 'bearer' });
      expect(sample.body).toMatchObject({ title: 'Formation, session 4321', skills: ['soins', 's4321'] });
    });

    it('refuses a header without any row', async () => {
      const res = await postImport('text/csv', `${CSV_HEADER}\n`);
      expect(res.status).toBe(422);
      expect(res.body.lineErrors).toEqual([]);
    });
  });

  describe('the body', () => {
    it('is refused with a 415 problem when its media type is neither NDJSON nor CSV', async () => {
      for (const type of ['application/json', 'text/plain', 'text/csv; charset=iso-8859-1']) {
        const res = await postImport(type, type === 'application/json' ? '{}' : 'x');
        expect(res.status, type).toBe(415);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      }
    });

    it('is refused without a Content-Type, or with an empty one, with a 415 problem naming the media types the import takes', async () => {
      const res = await t.http
        .post('/v1/courses/import')
        .auth(admin, { type: 'bearer' })
        .set('Content-Type', '')
        .send(Buffer.from(ndjson([aLine('NOTYPE-1')])));
      expect(res.status).toBe(415);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toBe(
        'the request has no Content-Type: send its body with the media type the operation takes (application/x-ndjson or text/csv)',
      );
      const unset = await t.http
        .post('/v1/courses/import')
        .auth(admin, { type: 'bearer' })
        .send(Buffer.from(ndjson([aLine('NOTYPE-1')])));
      expect(unset.status).toBe(415);
      expect(unset.body.detail).toBe(res.body.detail);
      expect(await exists('NOTYPE-1')).toBe(false);
    });

    it('is refused in another charset than UTF-8, saying to convert the file', async () => {
      const res = await postImport('text/csv; charset=iso-8859-1', 'x');
      expect(res.status).toBe(415);
      expect(res.body.detail).toBe(
        'the import must be UTF-8, not iso-8859-1: convert the file to UTF-8 and send it with charset=utf-8, or no charset',
      );
    });

    it('is refused with a 415 problem naming the encoding when compressed and saying to send it uncompressed, and nothing is written', async () => {
      for (const encoding of ['gzip', 'br']) {
        const lines = ndjson([aLine('ZIP-1')]);
        const res = await t.http
          .post('/v1/courses/import')
          .auth(admin, { type: 'bearer' })
          .set('Content-Type', 'application/x-ndjson')
          .set('Content-Encoding', encoding)
          .send(encoding === 'gzip' ? zlib.gzipSync(lines) : zlib.brotliCompressSync(lines));
        expect(res.status, encoding).toBe(415);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.body.detail).toBe(
          `content encoding ${encoding} is not supported: send the file uncompressed, without Content-Encoding`,
        );
        expect(await exists('ZIP-1')).toBe(false);
      }
      const described = (
        loadOpenApiDocument() as { paths: Record<string, { post: { description: string } }> }
      ).paths['/v1/courses/import']?.post.description;
      expect(described).toMatch(
        /`Content-Encoding` other than `identity` \(gzip, br…\) is refused with a 415/,
      );
    });

    it('is refused with a 413 problem past the size limit, and nothing is written', async () => {
      const small = await startTestApp({ env: { IMPORT_BODY_LIMIT_BYTES: '2000' } });
      try {
        const token = await small.tokenFor('admin');
        const res = await small.http
          .post('/v1/courses/import')
          .auth(token, { type: 'bearer' })
          .set('Content-Type', 'application/x-ndjson')
          .send(ndjson(Array.from({ length: 10 }, (_, i) => aLine(`BIG-${i}`))));
        expect(res.status).toBe(413);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        const [row] = await small.container.db('courses').count({ n: '*' });
        expect(Number(row?.n)).toBe(0);
      } finally {
        await small.close();
      }
    });

    it('is counted as it streams: a chunked body past the limit gets a 413 problem', async () => {
      const small = await startTestApp({ env: { IMPORT_BODY_LIMIT_BYTES: '2000' } });
      const server: Server = small.app.listen(0, '127.0.0.1');
      try {
        await new Promise((resolve) => server.once('listening', resolve));
        const { port } = server.address() as AddressInfo;
        const token = await small.tokenFor('admin');
        const chunks = Array.from({ length: 10 }, (_, i) => aLine(`STR-${i}`)).map((line) =>
          new TextEncoder().encode(`${JSON.stringify(line)}\n`),
        );
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            const chunk = chunks.shift();
            if (chunk === undefined) controller.close();
            else controller.enqueue(chunk);
          },
        });
        const res = await fetch(`http://127.0.0.1:${port}/v1/courses/import`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
          body,
          duplex: 'half',
        } as RequestInit);
        expect(res.status).toBe(413);
        expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
        const [row] = await small.container.db('courses').count({ n: '*' });
        expect(Number(row?.n)).toBe(0);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await small.close();
      }
    });

    it('may only be sent by an admin', async () => {
      const res = await t.http
        .post('/v1/courses/import')
        .auth(counselor, { type: 'bearer' })
        .set('Content-Type', 'application/x-ndjson')
        .send(ndjson([aLine('AUTH-1')]));
      expect(res.status).toBe(403);
      expect(await exists('AUTH-1')).toBe(false);
    });
  });

  describe('the same rules as the contract', () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ['an empty title', { title: '' }],
      ['a title of 301 characters', { title: 'x'.repeat(301) }],
      ['a title of spaces only', { title: '   ' }],
      ['a provider of spaces only', { provider: ' \t ' }],
      // Drawn as nothing: a zero-width space and a soft hyphen, a word joiner; the course would show nameless.
      ['a title of invisible characters only', { title: ' \u200B\u00AD ' }],
      ['a provider of invisible characters only', { provider: '\u2060' }],
      ['no target occupation', { targetOccupations: [] }],
      ['a repeated occupation', { targetOccupations: ['J1501', 'J1501'] }],
      ['a skill of 65 characters', { skills: ['s'.repeat(65)] }],
      ['a fractional level', { exitLevel: 4.5 }],
      ['a zero duration', { durationHours: 0 }],
      ['a duration over 5000 hours', { durationHours: 5000.5 }],
      ['a longitude out of range', { location: { lat: 45, lon: -181 } }],
      ['a location without lon', { location: { lat: 45 } }],
      ['a location with an extra field', { location: { lat: 45, lon: 4, alt: 200 } }],
      ['a city of 121 characters', { city: 'c'.repeat(121) }],
      ['a date that does not exist', { nextSessionStart: '2027-02-29' }],
      ['a date with a time', { nextSessionStart: '2027-02-01T10:00:00Z' }],
      ['a rate above 1', { returnToEmploymentRate: 1.01 }],
      ['a boolean as text', { active: 'true' }],
      ['a missing field', { funded: undefined }],
      ['an unknown field', { colour: 'red' }],
    ];

    it.each(cases)('refuses %s in an upsert and in an import line alike', async (_name, change) => {
      const body = JSON.parse(JSON.stringify({ ...aCourse(), ...change })) as Record<string, unknown>;
      const put = await t.http.put('/v1/courses/RULE-1').auth(admin, { type: 'bearer' }).send(body);
      // 400 from the contract's validator; 422 from the service's check when the validator is laxer
      // (its `fast` date format takes 2027-02-29).
      expect([400, 422]).toContain(put.status);
      const imported = await postImport(
        'application/x-ndjson',
        `${JSON.stringify({ id: 'RULE-1', ...body })}\n`,
      );
      expect(imported.status).toBe(422);
      expect(imported.body.lineErrors.length).toBeGreaterThan(0);
    });

    it('accepts the edge values in both', async () => {
      const edge = {
        ...aCourse(),
        title: 'é'.repeat(300),
        skills: [],
        exitLevel: 8,
        prerequisiteLevel: 3,
        durationHours: 5000,
        location: { lat: -90, lon: 180 },
        nextSessionStart: '2028-02-29',
        returnToEmploymentRate: 0,
      };
      const put = await t.http.put('/v1/courses/EDGE-1').auth(admin, { type: 'bearer' }).send(edge);
      expect(put.status).toBe(201);
      const imported = await postImport(
        'application/x-ndjson',
        `${JSON.stringify({ id: 'EDGE-2', ...edge })}\n`,
      );
      expect(imported.status).toBe(200);
    });

    it('refuses an import line whose id breaks the id pattern', async () => {
      const res = await postImport(
        'application/x-ndjson',
        ndjson([aLine('-starts-with-dash'), { ...aCourse() }]),
      );
      expect(res.status).toBe(422);
      expect(res.body.lineErrors).toEqual([
        { line: 1, field: 'id', reason: expect.stringMatching(/^must be 1 to 64 letters/) },
        { line: 2, field: 'id', reason: 'is required' },
      ]);
    });
  });
});
