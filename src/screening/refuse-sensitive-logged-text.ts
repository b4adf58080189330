import { InvalidInputError } from '../shared/errors.ts';
import { screenText } from './sensitive-terms.ts';

/**
 * Refuses the text of `header` when it mentions sensitive terms: it is recorded in the public part
 * of a decision-log event, readable for as long as the log is kept, where erasure cannot reach it.
 * `ask` says what the header should hold instead ("state the purpose").
 */
export function refuseSensitiveLoggedText(header: string, text: string, ask: string): void {
  const [warning] = screenText(header, text);
  if (warning === undefined) return;
  throw new InvalidInputError(
    `the ${header} header is kept readable in the decision log for good: ${ask} without sensitive ` +
      `details about anyone (it mentions ${warning.terms.join(', ')})`,
    { header, terms: warning.terms },
  );
}
