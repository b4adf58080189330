/** Control (NUL…) and formatting characters (bidirectional overrides, zero-width spaces). */
const INVISIBLE_CHARACTER = /[\p{Cc}\p{Cf}]/u;
const INVISIBLE_CHARACTERS = new RegExp(INVISIBLE_CHARACTER.source, 'gu');

/**
 * Whether a text holds a character that is not shown, or changes how the rest is shown: an id or
 * a logged text with one would read otherwise than it holds.
 */
export function holdsInvisibleCharacter(text: string): boolean {
  return INVISIBLE_CHARACTER.test(text);
}

/** The text without its invisible characters (those {@link holdsInvisibleCharacter} finds). */
export function removeInvisibleCharacters(text: string): string {
  return text.replace(INVISIBLE_CHARACTERS, '');
}
