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

/**
 * A model's recall as the sets it takes back state it, withdrawn or retracted: the application's words,
 * then the admin's reason (`writeRecallReason`). The person reads first what it means for them: the
 * tool was withdrawn, and their counselor may propose other courses.
 */
export const RECALL_REASON = {
  stored: 'le modèle qui a fait ces propositions a été rappelé',
  toPerson:
    'L’outil d’aide à la décision (IA) qui a fait ces propositions a été retiré du service : elles ne vous ' +
    'sont plus proposées, et votre conseiller peut vous proposer d’autres formations.',
} as const;

const RECALL_SEPARATOR = ' : ';

/** The reason a set taken back by a model's recall keeps: the application's words, then the admin's. */
export function writeRecallReason(adminReason: string): string {
  return `${RECALL_REASON.stored}${RECALL_SEPARATOR}${adminReason}`;
}

const TO_PERSON: ReadonlyMap<string, string> = new Map(
  Object.values(WITHDRAWAL_REASONS).map(({ stored, toPerson }) => [stored, toPerson]),
);

/**
 * A set's discard or retraction reason as the person reads it: the application's reasons in the second
 * person, a recall's with the application's sentence to the person first and the admin's words after (as
 * « Motif donné : … »), any other (a counselor's own words) as written.
 */
export function tellSetReasonToPerson(reason: string): string {
  const recallPrefix = `${RECALL_REASON.stored}${RECALL_SEPARATOR}`;
  if (reason.startsWith(recallPrefix)) {
    return `${RECALL_REASON.toPerson} Motif donné : ${reason.slice(recallPrefix.length)}`;
  }
  return TO_PERSON.get(reason) ?? reason;
}
