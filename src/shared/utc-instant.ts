/** The first instant an RFC 3339 date-time can write (its year has four digits), in ms. */
export const EARLIEST_INSTANT_MS = Date.parse('0000-01-01T00:00:00.000Z');
/** The last instant an RFC 3339 date-time can write, in ms. */
export const LATEST_INSTANT_MS = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * Whether a time can be written as an RFC 3339 date-time in UTC: years 0000 to 9999. Beyond them
 * `toISOString` writes `-000001-…` or `+010000-…`, which the contract's `date-time` refuses and which
 * no longer orders as text among the log's instants.
 */
export function isWritableInstant(timeMs: number): boolean {
  return timeMs >= EARLIEST_INSTANT_MS && timeMs <= LATEST_INSTANT_MS;
}

/** The time moved into the years an RFC 3339 date-time can write, to the nearest end. */
export function clampToWritableInstant(timeMs: number): number {
  return Math.min(Math.max(timeMs, EARLIEST_INSTANT_MS), LATEST_INSTANT_MS);
}

/** Whether the text is an instant as the API writes them (`toISOString`: UTC, milliseconds). */
export function isUtcInstant(text: string): boolean {
  const time = Date.parse(text);
  return !Number.isNaN(time) && new Date(time).toISOString() === text;
}
