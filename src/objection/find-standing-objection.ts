import type { Knex } from 'knex';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import {
  OBJECTION_DECIDING_EVENT_TYPES,
  readStandingObjection,
  type StandingObjection,
} from './objection.ts';

/**
 * The person's objection to AI processing as the decision log records it, read in `trx` when
 * given. The log is never deleted from, so this outlives a purged profile: the one place that
 * says whether an objection stands once the profile is gone, and how it was recorded.
 */
export async function findStandingObjection(
  log: Pick<DecisionLog, 'findLatestEventAbout'>,
  seekerId: string,
  trx?: Knex.Transaction,
): Promise<StandingObjection | undefined> {
  return readStandingObjection(await log.findLatestEventAbout(seekerId, OBJECTION_DECIDING_EVENT_TYPES, trx));
}
