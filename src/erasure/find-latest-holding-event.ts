import type { Knex } from 'knex';
import {
  ACCESS_GIVEN_EVENT_TYPES,
  DECISION_EVENT_TYPES,
  type DecisionEvent,
} from '../decision-log/decision-event.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';

/** Events that may hold something about the person: every kind but the record of access given. */
const HOLDING_EVENT_TYPES = DECISION_EVENT_TYPES.filter(
  (type) => !(ACCESS_GIVEN_EVENT_TYPES as readonly string[]).includes(type),
);

/**
 * The latest event about the person that may hold something of theirs, read in `trx` when given;
 * undefined when the log holds none. Giving a person their data holds nothing new, so it is left
 * out: `subject.erased` here means nothing was held or done about them since their erasure.
 */
export function findLatestHoldingEvent(
  log: Pick<DecisionLog, 'findLatestEventAbout'>,
  seekerId: string,
  trx?: Knex.Transaction,
): Promise<DecisionEvent | undefined> {
  return log.findLatestEventAbout(seekerId, HOLDING_EVENT_TYPES, trx);
}
