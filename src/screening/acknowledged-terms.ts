import { InvalidInputError, problemType } from '../shared/errors.ts';
import {
  listSensitiveTermCategories,
  type ScreeningWarning,
  screenText,
  type WarnedField,
} from './sensitive-terms.ts';

/**
 * A counselor's text the person reads as it is written (a publication's message, a reply to a
 * contest, the comment of an objection recorded for them; a decision's comment, an addition's, a
 * discard's or a retraction's reason, a second reviewer's comment, which their data export shows), screened:
 * one that seems to mention sensitive information is refused (422 `sensitive-terms`, naming the
 * categories, with the warnings) unless the counselor confirmed it (`acknowledged`), and then answered
 * with the warnings. `sendVerb`: what sending it again confirmed does ("publish", "send", "record").
 */
export function refuseUnacknowledgedTerms(
  field: WarnedField,
  text: string | null,
  acknowledged: boolean,
  sendVerb: string,
): ScreeningWarning<WarnedField>[] {
  const warnings = screenText(field, text);
  if (warnings.length > 0 && !acknowledged) {
    throw new InvalidInputError(
      `the ${field} seems to mention sensitive information (${listSensitiveTermCategories(text).join(', ')}); ` +
        `rephrase it, or send it again with acknowledgeSensitiveTerms: true to ${sendVerb} it as written`,
      { ...problemType('sensitive-terms'), warnings },
    );
  }
  return warnings;
}

/**
 * What the log keeps of a screened text someone sent despite its warnings (a counselor's message to
 * the person, the person's own comment): the text, sealed, under `field`; and when the writer
 * confirmed it despite the screening's warnings, `sensitiveTermsAcknowledged` in the public part,
 * where an auditor finds every such override, with the warned categories sealed beside the text (a
 * category such as `health`, next to the person's pseudonym, is itself sensitive, and must go with
 * an erasure). No text: nothing of either.
 */
export function describeAcknowledgedTerms(
  field: WarnedField,
  text: string | null,
  warnings: readonly ScreeningWarning[],
): { payload: { sensitiveTermsAcknowledged?: true }; personal: Record<string, unknown> | undefined } {
  if (text === null) return { payload: {}, personal: undefined };
  if (warnings.length === 0) return { payload: {}, personal: { [field]: text } };
  return {
    payload: { sensitiveTermsAcknowledged: true },
    personal: { [field]: text, sensitiveTermCategories: listSensitiveTermCategories(text) },
  };
}
