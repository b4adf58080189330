/** A UUID as RFC 9562 writes it, in either case, bare or as a URN: as the contract's `format: uuid` accepts it. */
const UUID_TEXT = /^(?:urn:uuid:)?([0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12})$/i;

/**
 * A UUID as the API writes ids (`01a2…`, bare, in lower case), from any of the ways the contract
 * accepts it (`01A2…`, `urn:uuid:01a2…`): UUIDs are case-insensitive (RFC 9562), and an id sent in
 * capitals names the same row. Any other text is returned as it is, for the caller to refuse or not find.
 */
export function normaliseUuid(text: string): string {
  return UUID_TEXT.exec(text)?.[1]?.toLowerCase() ?? text;
}
