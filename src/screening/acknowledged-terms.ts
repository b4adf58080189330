import { listSensitiveTermCategories, type ScreeningWarning, type WarnedField } from './sensitive-terms.ts';

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
