import type { Knex } from 'knex';
import { describePrivacyContact } from '../access-record/processing-statement.ts';
import { DECISION_EVENT_TYPES } from '../decision-log/decision-event.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import { ownFileNotFound } from '../job-seekers/job-seeker.ts';
import { NotFoundError } from '../shared/errors.ts';

/**
 * The refusal a person gets for their own file (export, objection) when no profile is held. A
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
