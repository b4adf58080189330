/**
 * Texts both engines store as sent. PostgreSQL stores no NUL character (U+0000); half of a surrogate
 * pair (an emoji cut in two by a form that shortens a text to a length) is written by PostgreSQL's
 * driver as one U+FFFD and by SQLite's as three, while the log keeps it as sent, and a PostgreSQL
 * query reading it back from the log's JSON fails. Such a text is refused on both engines, before
 * anything is written.
 */
export const UNSTORABLE_REASON =
  'must not contain a NUL character (U+0000) or half of a character cut in two (a lone surrogate)';

/** A code point of category Cs: with the `u` flag, only a surrogate that is not half of a pair. */
const LONE_SURROGATE = /\p{Cs}/u;

export function holdsUnstorableCharacter(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}
