import { describe, expect, it } from 'vitest';
import type { ImportLine } from '../../src/courses/course-import.ts';
import { readCsvLines } from '../../src/courses/read-csv-lines.ts';
import { readNdjsonLines } from '../../src/courses/read-ndjson-lines.ts';
import { PayloadTooLargeError } from '../../src/shared/errors.ts';

/** The body cut into chunks of `size` bytes, as a socket might deliver it. */
async function* chunked(text: string | Buffer, size: number): AsyncGenerator<Buffer> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function collect(lines: AsyncIterable<ImportLine>): Promise<ImportLine[]> {
  const all: ImportLine[] = [];
  for await (const line of lines) all.push(line);
  return all;
}

const HEADER =
  'id,title,provider,targetOccupations,skills,exitLevel,prerequisiteLevel,durationHours,modality,lat,lon,city,nextSessionStart,funded,certifying,returnToEmploymentRate,active';

describe('readNdjsonLines', () => {
  const body = '{"id":"A","city":"Évry"}\r\n\n  \n{"id":"B","title":"Œnologie ☕"}\n{"id":"C"}';

  it.each([1, 2, 3, 7, 1000])('reads the same lines whatever the chunk size (%i bytes)', async (size) => {
    expect(await collect(readNdjsonLines(chunked(body, size), 10_000))).toEqual([
      { line: 1, value: { id: 'A', city: 'Évry' } },
      { line: 4, value: { id: 'B', title: 'Œnologie ☕' } },
      { line: 5, value: { id: 'C' } },
    ]);
  });

  it('reports a line that is not JSON and goes on', async () => {
    const lines = await collect(readNdjsonLines(chunked('{"id":"A"}\n{"id":\n7\n', 4), 10_000));
    expect(lines).toEqual([
      { line: 1, value: { id: 'A' } },
      { line: 2, problems: [{ field: '(line)', reason: expect.stringMatching(/^is not valid JSON/) }] },
      { line: 3, value: 7 },
    ]);
  });

  it('reports a line of broken UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('{"id":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]);
    expect(await collect(readNdjsonLines(chunked(bytes, 3), 10_000))).toEqual([
      { line: 1, problems: [{ field: '(line)', reason: 'is not valid UTF-8' }] },
    ]);
  });

  it('drops a byte-order mark at the start', async () => {
    expect(await collect(readNdjsonLines(chunked('\uFEFF{"id":"A"}\n', 2), 100))).toEqual([
      { line: 1, value: { id: 'A' } },
    ]);
  });

  it('accepts a body of exactly the limit and fails past it', async () => {
    const text = '{"id":"A"}\n';
    const size = Buffer.byteLength(text);
    await expect(collect(readNdjsonLines(chunked(text, 3), size))).resolves.toHaveLength(1);
    await expect(collect(readNdjsonLines(chunked(text, 3), size - 1))).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    );
  });
});

describe('readCsvLines', () => {
  const row =
    'C-1,Aide-soignant,IFSI Lyon,J1501|J1502,soins| hygiène ,4,3,1470,in_person,45.764,4.8357,Lyon,2027-01-11,TRUE,false,0.81,true';

  it.each([1, 5, 64, 10_000])(
    'turns cells into the values of a course record (%i-byte chunks)',
    async (size) => {
      const lines = await collect(readCsvLines(chunked(`\uFEFF${HEADER}\r\n${row}\r\n`, size), 10_000));
      expect(lines).toEqual([
        {
          line: 2,
          value: {
            id: 'C-1',
            title: 'Aide-soignant',
            provider: 'IFSI Lyon',
            targetOccupations: ['J1501', 'J1502'],
            skills: ['soins', 'hygiène'],
            exitLevel: 4,
            prerequisiteLevel: 3,
            durationHours: 1470,
            modality: 'in_person',
            location: { lat: 45.764, lon: 4.8357 },
            city: 'Lyon',
            nextSessionStart: '2027-01-11',
            funded: true,
            certifying: false,
            returnToEmploymentRate: 0.81,
            active: true,
          },
        },
      ]);
    },
  );

  it('makes empty cells null, empty lists empty, and passes cells that do not convert as text', async () => {
    const sparse = 'C-2,Web,Simplon,M1805,,4,3,1e3,remote,,,,,oui,false,,true';
    const odd = 'C-3,Web,Simplon,M1805,,quatre,3,0x10,remote,45,,,,true,false,,true';
    const lines = await collect(readCsvLines(chunked(`${HEADER}\n${sparse}\n${odd}\n`, 16), 10_000));
    expect(lines[0]).toMatchObject({
      line: 2,
      value: {
        skills: [],
        durationHours: 1000,
        location: null,
        city: null,
        nextSessionStart: null,
        funded: 'oui',
      },
    });
    expect(lines[1]).toMatchObject({
      line: 3,
      value: { exitLevel: 'quatre', durationHours: '0x10', location: { lat: 45, lon: null } },
    });
  });

  it('numbers records by their first line, across quoted line breaks and blank lines', async () => {
    const body = `${HEADER}\r\n\r\n${row.replace('Aide-soignant', '"Aide\r\nsoignant"')}\r\n${row.replace('C-1', 'C-2')}`;
    const lines = await collect(readCsvLines(chunked(body, 7), 10_000));
    expect(lines.map((line) => line.line)).toEqual([3, 5]);
  });

  it('reports the lines before a syntax error, then the error, and reads no further', async () => {
    const body = [HEADER, row, 'C-2,"Aide "soignant",x', row.replace('C-1', 'C-3')].join('\n');
    const lines = await collect(readCsvLines(chunked(body, 10_000), 10_000));
    expect(lines).toEqual([
      { line: 2, value: expect.objectContaining({ id: 'C-1' }) },
      {
        line: 3,
        problems: [
          {
            field: '(line)',
            reason: expect.stringMatching(/^is not valid CSV .*the lines after it were not read$/),
          },
        ],
      },
    ]);
  });

  it.each([1, 5, 10_000])(
    'reports a line that is not UTF-8 instead of storing it altered, and reads no further (%i-byte chunks)',
    async (size) => {
      const broken = Buffer.concat([
        Buffer.from(`${row.replace('C-1', 'C-2').replace('Aide-soignant', 'Aide ')}`),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('\n'),
      ]);
      const body = Buffer.concat([Buffer.from(`${HEADER}\r\n${row}\r\n`), broken, Buffer.from(`${row}\n`)]);
      expect(await collect(readCsvLines(chunked(body, size), 10_000))).toEqual([
        { line: 2, value: expect.objectContaining({ id: 'C-1' }) },
        {
          line: 3,
          problems: [{ field: '(line)', reason: 'is not valid UTF-8; the lines after it were not read' }],
        },
      ]);
    },
  );

  it('reports a last line that is not UTF-8, with no newline after it', async () => {
    const body = Buffer.concat([Buffer.from(`${HEADER}\n${row}\nC-9,`), Buffer.from([0xff])]);
    expect(await collect(readCsvLines(chunked(body, 3), 10_000))).toEqual([
      { line: 2, value: expect.objectContaining({ id: 'C-1' }) },
      {
        line: 3,
        problems: [{ field: '(line)', reason: 'is not valid UTF-8; the lines after it were not read' }],
      },
    ]);
  });

  it('reports a duplicated column', async () => {
    const lines = await collect(readCsvLines(chunked(`${HEADER},city\n${row},Lyon\n`, 100), 10_000));
    expect(lines).toEqual([
      { line: 1, problems: [{ field: 'city', reason: 'appears twice in the header' }] },
    ]);
  });

  it('reports once a header separated by semicolons, saying the separator is a comma', async () => {
    const semicolons = `${HEADER.replaceAll(',', ';')}\n${row.replaceAll(',', ';').replace('45.764', '45,764')}\n`;
    const lines = await collect(readCsvLines(chunked(semicolons, 100), 10_000));
    expect(lines).toEqual([
      {
        line: 1,
        problems: [
          {
            field: '(line)',
            reason:
              'separates its columns with semicolons: the separator is a comma; save the file as CSV with commas (in Excel, "CSV UTF-8")',
          },
        ],
      },
    ]);
  });

  it('fails past the byte limit', async () => {
    await expect(
      collect(readCsvLines(chunked(`${HEADER}\n${row}\n${row}\n`, 50), 400)),
    ).rejects.toBeInstanceOf(PayloadTooLargeError);
  });
});
