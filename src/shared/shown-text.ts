import { InvalidInputError } from './errors.ts';
import { removeInvisibleCharacters } from './invisible-characters.ts';

/** The fewest characters that show in a required free text: a reason, a purpose. */
export const SHOWN_TEXT_MINIMUM = 3;

/** Characters drawn blank: spaces and the blank Braille pattern, which is a letter drawn as a space. */
const BLANK_CHARACTERS = /[\s\u2800]/gu;

/**
 * How many characters of a text show: spaces, blank letters and invisible characters (zero-width
 * spaces, bidirectional overrides, Hangul fillers, variation selectors…) are not counted, since a
 * reader sees nothing of them.
 */
export function countShownCharacters(text: string): number {
  return [...removeInvisibleCharacters(text).replace(BLANK_CHARACTERS, '')].length;
}

/**
 * A required free text (a reason, a summary), trimmed. Refused when fewer than three of its
 * characters show: three zero-width spaces would pass for a reason the person reads and finds empty.
 */
export function requireShownText(field: string, text: string): string {
  if (countShownCharacters(text) < SHOWN_TEXT_MINIMUM) {
    throw new InvalidInputError(
      `${field} must hold at least ${SHOWN_TEXT_MINIMUM} characters other than spaces and invisible ` +
        'characters (zero-width spaces, bidirectional overrides)',
      { field },
    );
  }
  return text.trim();
}

/** An optional free text (a comment), trimmed; none when nothing of it shows. */
export function readOptionalText(text: string | undefined): string | null {
  return text !== undefined && countShownCharacters(text) > 0 ? text.trim() : null;
}
