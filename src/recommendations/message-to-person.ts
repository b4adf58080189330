import {
  listSensitiveTermCategories,
  type ScreeningWarning,
  screenText,
  type WarnedField,
} from '../screening/sensitive-terms.ts';
import { InvalidInputError, problemType } from '../shared/errors.ts';

/**
 * A counselor's message to the person (a publication's, a reply to a contest), screened: the person
 * reads it as it is written, so one that seems to mention sensitive information is refused (422
 * `sensitive-terms`, with the warnings) unless the counselor confirmed it (`acknowledged`), and then
 * answered with the warnings. `sendVerb`: what sending it again confirmed does ("publish", "send").
 */
export function screenMessageToPerson(
  message: string | null,
  acknowledged: boolean,
  sendVerb: string,
): ScreeningWarning<WarnedField>[] {
  const warnings = screenText('message', message);
  if (warnings.length > 0 && !acknowledged) {
    throw new InvalidInputError(
      `the message seems to mention sensitive information; rephrase it, or send it again with acknowledgeSensitiveTerms: true to ${sendVerb} it as written`,
      { ...problemType('sensitive-terms'), warnings },
    );
  }
  return warnings;
}

/**
 * What the log keeps of a message to the person: the text, sealed; and when the counselor confirmed
 * it despite the screening's warnings, `sensitiveTermsAcknowledged` in the public part, where an
 * auditor finds every such override, with the warned categories sealed beside the text (a category
 * such as `health`, next to the person's pseudonym, is itself sensitive, and must go with an erasure).
 */
export function describeAcknowledgedTerms(
  message: string | null,
  warnings: readonly ScreeningWarning[],
): { payload: Record<string, unknown>; personal: Record<string, unknown> | undefined } {
  if (message === null) return { payload: {}, personal: undefined };
  if (warnings.length === 0) return { payload: {}, personal: { message } };
  return {
    payload: { sensitiveTermsAcknowledged: true },
    personal: { message, sensitiveTermCategories: listSensitiveTermCategories(message) },
  };
}
