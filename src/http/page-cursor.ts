import crypto from 'node:crypto';
import { canonicalJson, type JsonValue } from '../decision-log/canonical-json.ts';
import { isGeneratedId } from '../shared/time-ordered-id.ts';
import { isUtcInstant } from '../shared/utc-instant.ts';
import { RequestValidationError } from './problem.ts';

/** Bytes of the filters' SHA-256 kept in a cursor: enough to tell two queries apart, not a secret. */
const DIGEST_BYTES = 12;
/** The digest's length in base64url (no padding). */
const DIGEST_LENGTH = Math.ceil((DIGEST_BYTES * 4) / 3);

/**
 * The opaque `cursor` of a paged list: where the previous page ended, bound to the list, to the
 * filters that page was asked with and, for a list that shows each caller their own rows (the
 * counselor's queue), to the caller it was given to. A cursor sent to another list, with other
 * filters or by another caller would continue a different list from the wrong place, so it is refused
 * (400) rather than followed. The page size is not a filter: it may change from page to page.
 *
 * The text is base64url of the JSON array `[digest, position]`, the digest being the SHA-256 of the
 * list's name, its normalised filters and the caller if any (see {@link digestFilters}): the caller's
 * id is not readable in it.
 *
 * Nothing in it is secret: anyone can write a cursor for a list and its filters, and that needs no
 * key to be safe. Each list reads its positions back strictly (`readPosition` takes only the shape
 * the list writes, so no other text reaches its query), and a position of that shape, forged or not,
 * only moves where the page starts within what the list shows its caller anyway: every list applies
 * the caller's rights whatever the cursor says.
 */
export class PageCursor<Position extends JsonValue> {
  /**
   * @param list names the list, so that two lists with the same filters never share cursors.
   * @param readPosition narrows a decoded position; undefined when it is not one this list makes
   *   (of another shape than the list writes, or holding any other text).
   */
  constructor(
    private readonly list: string,
    private readonly readPosition: (value: unknown) => Position | undefined,
  ) {}

  /**
   * The cursor of the page after `position`, for the filters of the request being answered.
   * @param caller whose list it is (their subject), for a list that shows each caller their own rows.
   */
  encode(position: Position, filters: object, caller?: string): string {
    return writeEnvelope(digestFilters(this.list, filters, caller), position);
  }

  /**
   * The position a request's cursor stands for (undefined without a cursor). Throws a
   * {@link RequestValidationError} on `/query/cursor` when the API did not make the cursor, or made it
   * for another list, other filters or another caller than the request's. A cursor of another list is
   * told by its digest, before its position is read: another list's positions may have another shape
   * (a seq, a course id), and its caller is told that the cursor belongs to another query, as the
   * contract says, not that the API never gave it out.
   */
  decode(cursor: string | undefined, filters: object, caller?: string): Position | undefined {
    if (cursor === undefined) return undefined;
    const envelope = readEnvelope(cursor) ?? refuseCursor(NOT_GIVEN_OUT);
    if (envelope.digest !== digestFilters(this.list, filters, caller)) {
      refuseCursor(
        "belongs to another query: it was given with other filters than this request has, by another list, or to another caller (a counselor's queue pages for that counselor alone); send it with the same filters as the request whose page gave it, or leave it out to start from the first page",
      );
    }
    const position = this.readPosition(envelope.position);
    // Decoding is lenient: only a cursor that encodes back to itself is one of ours.
    if (position === undefined || writeEnvelope(envelope.digest, position) !== cursor)
      refuseCursor(NOT_GIVEN_OUT);
    return position;
  }
}

const NOT_GIVEN_OUT = 'is not a cursor this API gave out';
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function writeEnvelope(digest: string, position: unknown): string {
  return Buffer.from(JSON.stringify([digest, position]), 'utf8').toString('base64url');
}

/**
 * The digest and the position, not read yet, of a text written as every list writes its cursors;
 * undefined for any other text (one that does not encode back to itself included).
 */
function readEnvelope(cursor: string): { digest: string; position: unknown } | undefined {
  if (!BASE64URL.test(cursor)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [digest, position] = value as unknown[];
  if (typeof digest !== 'string' || digest.length !== DIGEST_LENGTH || !BASE64URL.test(digest))
    return undefined;
  return writeEnvelope(digest, position) === cursor ? { digest, position } : undefined;
}

/**
 * What a cursor remembers of its filters, and of its caller when the list is per caller. The filters
 * are normalised first, so that the same query written another way gives the same digest: members
 * left undefined do not count, and a list is a set (the order and repeats of `status=a,b` or
 * `status=b&status=a&status=b` do not count either).
 */
export function digestFilters(list: string, filters: object, caller?: string): string {
  // The caller comes after the filters as a JSON string (no line break in either), so that no
  // filters' text can pass for a caller's; without one, the digest is the one lists always had.
  const boundTo = caller === undefined ? '' : `\n${JSON.stringify(caller)}`;
  return crypto
    .createHash('sha256')
    .update(`${list}\n${canonicalJson(normaliseFilter(filters))}${boundTo}`)
    .digest()
    .subarray(0, DIGEST_BYTES)
    .toString('base64url');
}

function normaliseFilter(value: unknown): unknown {
  if (Array.isArray(value)) {
    const members = new Map(value.map((member) => [canonicalJson(normaliseFilter(member)), member]));
    return [...members.keys()].sort().map((key) => normaliseFilter(members.get(key)));
  }
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .map(([name, member]) => [name, normaliseFilter(member)]),
  );
}

/**
 * A position as the lists ordered by time write it (the queue, a set's answers, a person's contests):
 * the [createdAt, id] of the last row of a page. It is read back only in that shape (an instant as the
 * stores write `createdAt`, an id the API made): any other text, a NUL say, would go into the query.
 */
export function readTimeAndId(value: unknown): [string, string] | undefined {
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [createdAt, id] = value as unknown[];
  if (typeof createdAt !== 'string' || !isUtcInstant(createdAt)) return undefined;
  if (typeof id !== 'string' || !isGeneratedId(id)) return undefined;
  return [createdAt, id];
}

function refuseCursor(message: string): never {
  throw new RequestValidationError([{ path: '/query/cursor', message }]);
}
