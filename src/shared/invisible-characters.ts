/** Control (NUL…) and formatting characters (bidirectional overrides, zero-width spaces). */
const INVISIBLE_CHARACTER = /[\p{Cc}\p{Cf}]/u;

/**
 * What a reader does not see: the characters {@link holdsInvisibleCharacter} finds, and the code
 * points Unicode says to draw as nothing (soft hyphen, word joiner, Hangul fillers, variation
 * selectors…).
 */
const UNSEEN_CHARACTERS = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;

/**
 * Whether a text holds a character that is not shown, or changes how the rest is shown: an id or
 * a logged text with one would read otherwise than it holds.
 */
export function holdsInvisibleCharacter(text: string): boolean {
  return INVISIBLE_CHARACTER.test(text);
}

/**
 * The text as a reader sees it, without its invisible characters (control and formatting
 * characters, and the code points drawn as nothing): "gros\u00ADsesse" reads "grossesse".
 */
export function removeInvisibleCharacters(text: string): string {
  return text.replace(UNSEEN_CHARACTERS, '');
}
