import { isUtf8 } from 'node:buffer';

const NEWLINE = 0x0a;

/** A line of the body whose bytes are not UTF-8 (lines counted from 1, as the file's). */
export class InvalidUtf8LineError extends Error {
  constructor(readonly line: number) {
    super(`line ${line} is not valid UTF-8`);
  }
}

/**
 * Passes a byte stream on in whole lines once each is known to be UTF-8, and fails with
 * `InvalidUtf8LineError` at the first line that is not: a decoder would otherwise replace the bad
 * bytes with U+FFFD and the text would be stored altered. A newline byte never occurs inside a
 * UTF-8 sequence, so lines are cut on it before decoding.
 */
export async function* checkUtf8Lines(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let carried: Buffer = Buffer.alloc(0);
  let linesBefore = 0;
  for await (const chunk of source) {
    const data: Buffer = carried.byteLength === 0 ? chunk : Buffer.concat([carried, chunk]);
    const cut = data.lastIndexOf(NEWLINE) + 1;
    carried = data.subarray(cut);
    if (cut === 0) continue;
    const whole = data.subarray(0, cut);
    if (!isUtf8(whole)) {
      // The lines before the broken one are passed on first: they are read and reported as usual.
      const broken = findInvalidLine(whole);
      if (broken.start > 0) yield whole.subarray(0, broken.start);
      throw new InvalidUtf8LineError(linesBefore + broken.line);
    }
    linesBefore += countNewlines(whole);
    yield whole;
  }
  if (carried.byteLength === 0) return;
  if (!isUtf8(carried)) throw new InvalidUtf8LineError(linesBefore + 1);
  yield carried;
}

/** The first line of `bytes` that is not UTF-8: its number from 1, and where it starts. */
function findInvalidLine(bytes: Buffer): { line: number; start: number } {
  let line = 1;
  let start = 0;
  for (let end = bytes.indexOf(NEWLINE); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
    if (!isUtf8(bytes.subarray(start, end))) break;
    line += 1;
    start = end + 1;
  }
  return { line, start };
}

function countNewlines(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) count += 1;
  return count;
}
