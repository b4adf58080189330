import { InvalidInputError } from '../shared/errors.ts';
import { holdsInvisibleCharacter } from '../shared/invisible-characters.ts';
import { screenText } from './sensitive-terms.ts';

/**
 * Refuses the text of `header` when it mentions sensitive terms, or holds invisible characters: it is recorded in the public part
 * of a decision-log event, readable for as long as the log is kept, where erasure cannot reach it.
 * `ask` says what the header should hold instead ("state the purpose").
 */
export function refuseSensitiveLoggedText(header: string, text: string, ask: string): void {
  // A bidirectional override or a zero-width character would make the log read otherwise than it holds.
  if (holdsInvisibleCharacter(text)) {
    throw new InvalidInputError(
      `the ${header} header is kept readable in the decision log for good: ${ask} without control or ` +
        'formatting characters (bidirectional overrides, zero-width spaces)',
      { header },
    );
  }
  const [warning] = screenText(header, text);
  if (warning === undefined) return;
  throw new InvalidInputError(
    `the ${header} header is kept readable in the decision log for good: ${ask} without sensitive ` +
      `details about anyone (it mentions ${warning.terms.join(', ')})`,
    { header, terms: warning.terms },
  );
}
