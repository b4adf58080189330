import type { NewDecisionEvent } from '../decision-log/decision-event.ts';
import { InvalidInputError } from '../shared/errors.ts';
import { holdsInvisibleCharacter } from '../shared/invisible-characters.ts';
import { screenText } from './sensitive-terms.ts';

/** Where a logged text came from: a request header, a field of the body, or a query parameter. */
export type LoggedTextPlace = { header: string } | { field: string } | { parameter: string };

/**
 * How sensitive terms are taken. By default they are refused. `allowSensitiveTerms`: the caller has
 * screened the text itself and warned the writer, who confirmed it (an incident may have to name the
 * group it concerned); invisible characters and people's ids are refused all the same.
 */
export interface LoggedTextOptions {
  allowSensitiveTerms?: boolean;
}

/**
 * Who writes a logged text, and through which operation: a refusal that depends on what the log
 * holds (a person's id found there) is itself logged under them.
 */
export interface LoggedTextWriter {
  actor: NewDecisionEvent['actor'];
  /** The operation called, by its `operationId` (`listAuditEvents`, `putSettings`…). */
  operation: string;
}

/**
 * The whole check of a text the decision log keeps readable for good: this screening, and no id of
 * a person the log names, job seeker or staff (`src/audit/logged-text-check.ts`, which reads the log
 * to tell, and logs the refusal).
 */
export type LoggedTextCheck = (
  writer: LoggedTextWriter,
  place: LoggedTextPlace,
  text: string,
  ask: string,
  options?: LoggedTextOptions,
) => Promise<void>;

/** `the X-Audit-Purpose header`, `the changeReason field`, `the subject parameter`. */
export function nameLoggedTextPlace(place: LoggedTextPlace): string {
  if ('header' in place) return `the ${place.header} header`;
  return 'field' in place ? `the ${place.field} field` : `the ${place.parameter} parameter`;
}

/** The header, field or parameter itself: `X-Audit-Purpose`, `changeReason`, `subject`. */
function nameOf(place: LoggedTextPlace): string {
  if ('header' in place) return place.header;
  return 'field' in place ? place.field : place.parameter;
}

/**
 * Refuses a text that mentions sensitive terms (unless `options` allows them), or holds invisible
 * characters: it is recorded in the public part of a decision-log event, readable for as long as
 * the log is kept, where erasure cannot reach it. `ask` says what the text should hold instead
 * ("state the purpose").
 */
export function refuseSensitiveLoggedText(
  place: LoggedTextPlace,
  text: string,
  ask: string,
  options: LoggedTextOptions = {},
): void {
  const name = nameLoggedTextPlace(place);
  // A bidirectional override or a zero-width character would make the log read otherwise than it holds.
  if (holdsInvisibleCharacter(text)) {
    throw new InvalidInputError(
      `${name} is kept readable in the decision log for good: ${ask} without control or ` +
        'formatting characters (bidirectional overrides, zero-width spaces)',
      { ...place },
    );
  }
  if (options.allowSensitiveTerms === true) return;
  const [warning] = screenText(nameOf(place), text);
  if (warning === undefined) return;
  throw new InvalidInputError(
    `${name} is kept readable in the decision log for good: ${ask} without sensitive ` +
      `details about anyone (it mentions ${warning.terms.join(', ')})`,
    { ...place, terms: warning.terms },
  );
}
