import type { Knex } from 'knex';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import {
  isErasureBeforeObjectionsWereKept,
  OBJECTION_DECIDING_EVENT_TYPES,
  OBJECTION_EVENT_TYPES,
  readStandingObjection,
  type StandingObjection,
} from './objection.ts';

/**
 * The person's objection to AI processing as the decision log records it, read in `trx` when
 * given. The log is never deleted from, so this outlives a purged profile: the one place that
 * says whether an objection stands once the profile is gone, and how it was recorded.
 *
 * An erasure logged by a version that did not keep the objection in its event (no
 * `standingObjection`) took the profile's objection away without the person withdrawing it: the
 * person's latest objection event before that erasure says what stands. Earlier erasures in
 * between change nothing, as an erasure never withdraws an objection. One more indexed read
 * (subject, seq), for those people only.
 */
export async function findStandingObjection(
  log: Pick<DecisionLog, 'findLatestEventAbout'>,
  seekerId: string,
  trx?: Knex.Transaction,
): Promise<StandingObjection | undefined> {
  const latest = await log.findLatestEventAbout(seekerId, OBJECTION_DECIDING_EVENT_TYPES, trx);
  if (latest !== undefined && isErasureBeforeObjectionsWereKept(latest)) {
    return readStandingObjection(
      await log.findLatestEventAbout(seekerId, OBJECTION_EVENT_TYPES, trx, { beforeSeq: latest.seq }),
    );
  }
  return readStandingObjection(latest);
}
