import { type ScreeningWarning, screenText, type WarnedField } from '../screening/sensitive-terms.ts';
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
