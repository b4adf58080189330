/**
 * PostgreSQL stores no NUL character (U+0000) in text: text holding one is refused on both
 * engines, before anything is written, rather than failing on one and stored on the other.
 */
export const NUL_REASON = 'must not contain a NUL character (U+0000)';

export function containsNul(text: string): boolean {
  return text.includes('\u0000');
}
