import type { Knex } from 'knex';
import { describePrivacyContact } from '../access-record/processing-statement.ts';
import { DECISION_EVENT_TYPES } from '../decision-log/decision-event.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import { ownFileNotFound } from '../job-seekers/job-seeker.ts';
import { findStandingObjection } from '../objection/find-standing-objection.ts';
import { NotFoundError } from '../shared/errors.ts';

/**
 * The refusal a person gets for their own file (suggestions, export, objection) when no profile is held. A
 * profile erased, or purged as idle, leaves the person's events in the decision log (readable until
 * their key is destroyed, for a purge): saying that nothing is known of them would deny processing
 * that goes on (GDPR Art. 15(1)), so they are told where the access record of what is held is given.
 */
export async function refuseWithoutOwnFile(
  decisionLog: Pick<DecisionLog, 'findLatestEventAbout'>,
  privacyContact: string | undefined,
  subjectId: string,
  trx?: Knex.Transaction,
): Promise<NotFoundError> {
  const logged = await decisionLog.findLatestEventAbout(subjectId, DECISION_EVENT_TYPES, trx);
  if (logged === undefined) return ownFileNotFound();
  return new NotFoundError(
    'Votre dossier de demandeur d’emploi n’est plus conservé par ce service : il a été effacé, à votre demande ' +
      'ou après une longue période sans activité. Le journal des décisions, qui n’est jamais effacé, garde la ' +
      'trace de ce qui a été fait à votre sujet. Pour en obtenir le relevé, ou pour toute demande sur vos ' +
      `données, écrivez au délégué à la protection des données (${describePrivacyContact(privacyContact)}).`,
    {},
    'Dossier introuvable',
  );
}

/**
 * The refusal of the withdrawal of the person's objection when no profile is held. An objection that
 * stood outlives the erasure or the purge of the profile (record 0006): only the person may withdraw
 * it, from their space, which needs a file. Told as the other refusals, unless an objection stands:
 * then the person is told that it does, what it does while no file is held (the tool cannot be used
 * for them), that a file created again takes it back and that they may withdraw it then, and whom to
 * write to meanwhile.
 */
export async function refuseWithdrawalWithoutOwnFile(
  decisionLog: Pick<DecisionLog, 'findLatestEventAbout'>,
  privacyContact: string | undefined,
  subjectId: string,
  trx?: Knex.Transaction,
): Promise<NotFoundError> {
  if ((await findStandingObjection(decisionLog, subjectId, trx)) === undefined) {
    return refuseWithoutOwnFile(decisionLog, privacyContact, subjectId, trx);
  }
  return new NotFoundError(
    'Votre dossier de demandeur d’emploi n’est plus conservé par ce service : il a été effacé, à votre demande ' +
      'ou après une longue période sans activité. Votre opposition à l’utilisation de l’outil d’aide à la ' +
      'décision, elle, reste enregistrée : l’effacement de votre dossier ne la retire pas, et l’outil ne peut ' +
      'pas être utilisé pour vous. Sans dossier, elle ne peut pas être retirée depuis votre espace : si votre ' +
      'dossier est recréé dans ce service, votre opposition s’y appliquera de nouveau, et vous pourrez alors la ' +
      'retirer depuis votre espace (rubrique « Mes données »). Pour toute question sur votre opposition, ou pour ' +
      'obtenir le relevé de ce que le journal des décisions garde à votre sujet, écrivez au délégué à la ' +
      `protection des données (${describePrivacyContact(privacyContact)}).`,
    {},
    'Dossier introuvable',
  );
}
