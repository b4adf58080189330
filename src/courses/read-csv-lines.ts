import { CsvError, parse } from 'csv-parse';
import { checkUtf8Lines, InvalidUtf8LineError } from './check-utf8-lines.ts';
import type { ImportLine } from './course-import.ts';
import { limitBytes } from './limit-bytes.ts';
import {
  COURSE_RECORD_FIELDS,
  type FieldProblem,
  shortenForReport,
  WHOLE_RECORD,
} from './validate-course-record.ts';

/** The CSV columns: the record fields, with `location` spread over `lat` and `lon`. */
export const CSV_COLUMNS: readonly string[] = COURSE_RECORD_FIELDS.flatMap((field) =>
  field === 'location' ? ['lat', 'lon'] : [field],
);

const LIST_COLUMNS = new Set(['targetOccupations', 'skills']);
const NUMBER_COLUMNS = new Set([
  'exitLevel',
  'prerequisiteLevel',
  'durationHours',
  'lat',
  'lon',
  'returnToEmploymentRate',
]);
const BOOLEAN_COLUMNS = new Set(['funded', 'certifying', 'active']);
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads a CSV import with csv-parse's streaming parser: a header row naming every column (in any
 * order), then one course per record. Cells become the values of an NDJSON record, so both formats
 * meet the same validation: an empty cell is null, except in the `|`-separated list columns where
 * it is an empty list; `true`/`false` are booleans; decimal numbers are numbers; `lat` and `lon`
 * form `location` (null when both are empty). A cell that does not convert is passed on as text,
 * and the validation says what it should have been.
 *
 * Line numbers are those of the file: the header is line 1, and a record with a quoted line break
 * is numbered by its first line. A CSV syntax error (a stray quote) ends the reading, since the
 * records after it cannot be told apart reliably; it is reported on its line. So does a line that is
 * not UTF-8, which would otherwise be stored with its bad bytes replaced.
 */
export async function* readCsvLines(
  source: AsyncIterable<Uint8Array | string>,
  maxBytes: number,
): AsyncGenerator<ImportLine> {
  // Records are taken synchronously as the parser finds them: a stream that fails drops what it had
  // buffered, and the lines before a syntax error must still be checked.
  const rows: CsvRow[] = [];
  const parser = parse({
    bom: true,
    raw: true,
    relax_column_count: true,
    trim: true,
    on_record: (row: unknown) => {
      rows.push(row as CsvRow);
      return null;
    },
  });
  let failure: Error | undefined;
  parser.on('error', (error) => {
    failure ??= error;
  });
  const lines = new CsvLineReader();
  try {
    try {
      for await (const chunk of checkUtf8Lines(limitBytes(source, maxBytes))) {
        await new Promise<void>((resolve) => parser.write(chunk, () => resolve()));
        yield* lines.take(rows);
        if (failure !== undefined) break;
      }
    } catch (error) {
      if (!(error instanceof InvalidUtf8LineError)) throw error;
      // The records complete before the broken line are read; a record it cut short is not (the
      // parser's complaint about it would only echo the cut).
      await new Promise<void>((resolve) => parser.end(() => resolve()));
      yield* lines.take(rows);
      yield lines.notUtf8(error.line);
      return;
    }
    if (failure === undefined) {
      await new Promise<void>((resolve) => parser.end(() => resolve()));
      yield* lines.take(rows);
    }
    if (failure !== undefined) {
      if (!(failure instanceof CsvError)) throw failure;
      yield lines.syntaxError(failure);
    }
  } finally {
    parser.destroy();
  }
}

interface CsvRow {
  record: string[];
  raw: string;
}

/** Turns parsed CSV records into import lines, keeping the header and the line count. */
class CsvLineReader {
  private header: string[] | undefined;
  private headerIsValid = false;
  private nextLine = 1;

  *take(rows: CsvRow[]): Generator<ImportLine> {
    for (const { record, raw } of rows.splice(0)) {
      const line = this.nextLine;
      this.nextLine += lineBreaksIn(raw);
      const entry = this.toImportLine(record, line);
      if (entry !== undefined) yield entry;
    }
  }

  /** A line that is not UTF-8: reported as the NDJSON import reports one, and the reading ends. */
  notUtf8(line: number): ImportLine {
    return {
      line,
      problems: [{ field: WHOLE_RECORD, reason: 'is not valid UTF-8; the lines after it were not read' }],
    };
  }

  syntaxError(error: CsvError): ImportLine {
    return {
      line: this.nextLine,
      problems: [
        {
          field: WHOLE_RECORD,
          reason: `is not valid CSV (${error.message}); the lines after it were not read`,
        },
      ],
    };
  }

  private toImportLine(record: string[], line: number): ImportLine | undefined {
    // A blank line, or a row of empty cells (",,,": how a spreadsheet saves a row left empty), holds
    // no course: it is skipped, as the reader of the sheet sees it, and still counted.
    if (record.every((cell) => cell === '')) return undefined;
    if (this.header === undefined) {
      this.header = record;
      const problems = checkHeader(record);
      this.headerIsValid = problems.length === 0;
      return this.headerIsValid ? undefined : { line, problems };
    }
    // With a broken header every record would repeat its problems: they are reported once, on line 1.
    if (!this.headerIsValid) return undefined;
    if (record.length !== this.header.length) {
      const reason = `has ${record.length} cells where the header has ${this.header.length}`;
      return { line, problems: [{ field: WHOLE_RECORD, reason }] };
    }
    return { line, value: toRecord(this.header, record) };
  }
}

/**
 * How many lines a record spans, from its raw text. Counted here because csv-parse's own count
 * drifts on CRLF inside quoted cells; its raw text may hold the record delimiter or not.
 */
function lineBreaksIn(raw: string): number {
  const breaks = raw.match(/\r\n|\r|\n/g)?.length ?? 0;
  return /[\r\n]$/.test(raw) ? breaks : breaks + 1;
}

function checkHeader(header: readonly string[]): FieldProblem[] {
  // Excel saves "CSV" with semicolons where the decimal mark is a comma (in French): one column each.
  if (header.length === 1 && header[0]?.includes(';') === true) {
    return [
      {
        field: WHOLE_RECORD,
        reason:
          'separates its columns with semicolons: the separator is a comma; save the file as CSV with commas (in Excel, "CSV UTF-8")',
      },
    ];
  }
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const column of header) {
    if (!CSV_COLUMNS.includes(column))
      problems.push({ field: shortenForReport(column), reason: 'is not a known column' });
    else if (seen.has(column)) problems.push({ field: column, reason: 'appears twice in the header' });
    seen.add(column);
  }
  for (const column of CSV_COLUMNS) {
    if (!seen.has(column)) problems.push({ field: column, reason: 'is a required column' });
  }
  return problems;
}

function toRecord(header: readonly string[], cells: readonly string[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  header.forEach((column, index) => {
    record[column] = toValue(column, cells[index] ?? '');
  });
  const { lat, lon, ...fields } = record;
  return { ...fields, location: lat === null && lon === null ? null : { lat, lon } };
}

function toValue(column: string, cell: string): unknown {
  if (LIST_COLUMNS.has(column)) return cell === '' ? [] : cell.split('|').map((item) => item.trim());
  if (cell === '') return null;
  if (NUMBER_COLUMNS.has(column)) return DECIMAL.test(cell) ? Number(cell) : cell;
  if (BOOLEAN_COLUMNS.has(column)) {
    const lower = cell.toLowerCase();
    return lower === 'true' ? true : lower === 'false' ? false : cell;
  }
  return cell;
}
