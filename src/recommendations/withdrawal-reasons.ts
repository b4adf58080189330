/**
 * The reasons the application writes when it withdraws a person's open sets, as stored: the set's
 * discard reason the counselor reads, and the event's `withdrawnBecause`, in the third person. Each
 * comes with its wording for the person, who reads it in their data export: they are « vous », not
 * « la personne ». What is stored never changes (sets withdrawn before keep these texts): the
 * person's wording is found from it.
 */
export const WITHDRAWAL_REASONS = {
  objection: {
    stored: 'la personne s’est opposée au traitement par l’IA',
    toPerson: 'vous vous êtes opposé au traitement par l’IA',
  },
  caseloadChange: {
    stored: 'la personne suit désormais un autre conseiller',
    toPerson: 'vous êtes désormais suivi par un autre conseiller',
  },
  suggestionsAsked: {
    stored: 'des propositions de l’IA ont été demandées pour la personne',
    toPerson: 'des propositions de l’IA ont été demandées pour vous',
  },
  setByHandStarted: {
    stored: 'une sélection à la main a été commencée pour la personne',
    toPerson: 'une sélection à la main a été commencée pour vous',
  },
  suggestionsShownElsewhere: {
    stored: 'les propositions de l’IA pour la personne ont été montrées dans une autre sélection',
    toPerson: 'les propositions de l’IA pour vous ont été montrées dans une autre sélection',
  },
} as const satisfies Record<string, { stored: string; toPerson: string }>;

const TO_PERSON: ReadonlyMap<string, string> = new Map(
  Object.values(WITHDRAWAL_REASONS).map(({ stored, toPerson }) => [stored, toPerson]),
);

/**
 * A set's discard reason as the person reads it: the application's reasons in the second person, any
 * other (a counselor's own words, a recall's) as written.
 */
export function tellDiscardReasonToPerson(reason: string): string {
  return TO_PERSON.get(reason) ?? reason;
}
