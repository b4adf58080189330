import { findDuplicateJsonKey } from '../shared/duplicate-json-keys.ts';
import type { ImportLine } from './course-import.ts';
import { limitBytes } from './limit-bytes.ts';
import { shortenForReport, WHOLE_RECORD } from './validate-course-record.ts';

const NEWLINE = 0x0a;
/** Fatal: a line of broken UTF-8 is reported, not silently patched. A leading BOM is dropped. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads NDJSON as it arrives: one JSON value per line, split on newlines chunk by chunk, so the
 * body is never held as one string. Blank lines are skipped but still counted. A line that is not
 * JSON becomes a line problem; the reading goes on.
 */
export async function* readNdjsonLines(
  source: AsyncIterable<Uint8Array | string>,
  maxBytes: number,
): AsyncGenerator<ImportLine> {
  let pending: Buffer[] = [];
  let line = 0;
  for await (const chunk of limitBytes(source, maxBytes)) {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      pending.push(chunk.subarray(start, end));
      line += 1;
      const parsed = parseLine(Buffer.concat(pending), line);
      pending = [];
      if (parsed !== undefined) yield parsed;
      start = end + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length > 0) {
    const parsed = parseLine(Buffer.concat(pending), line + 1);
    if (parsed !== undefined) yield parsed;
  }
}

const ARRAY_REASON =
  'opens a JSON array: an NDJSON import takes one course, a JSON object, on each line; turn a JSON ' +
  "array file into NDJSON first (jq -c '.[]' courses.json > courses.ndjson)";

function parseLine(bytes: Buffer, line: number): ImportLine | undefined {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { line, problems: [{ field: WHOLE_RECORD, reason: 'is not valid UTF-8' }] };
  }
  if (text.trim() === '') return undefined;
  // A JSON array of courses (a tool's "export as JSON", on one line or spread over many) is the
  // usual mistake: said as such, with the way to turn it into NDJSON, rather than as broken JSON.
  if (text.trimStart().startsWith('['))
    return { line, problems: [{ field: WHOLE_RECORD, reason: ARRAY_REASON }] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { line, problems: [{ field: WHOLE_RECORD, reason: `is not valid JSON: ${message}` }] };
  }
  // JSON.parse keeps the last of a key given twice: which one the line meant is not known.
  const duplicate = findDuplicateJsonKey(text);
  if (duplicate === undefined) return { line, value };
  const field = [...duplicate.objectPath, duplicate.key]
    .map((step, index) =>
      typeof step === 'number' ? `[${step}]` : `${index === 0 ? '' : '.'}${shortenForReport(step)}`,
    )
    .join('');
  return { line, problems: [{ field, reason: 'is given more than once in its object: give it once' }] };
}
