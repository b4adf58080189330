/** The logged refusal of the model's suggestions for a person, which names the manual path. */
import type { Knex } from 'knex';
import type { Principal } from '../auth/principal.ts';
import { isOnCaseloadOf, type JobSeeker, jobSeekerNotFound } from '../job-seekers/job-seeker.ts';
import type { DomainError } from '../shared/errors.ts';
import {
  describeRefusal,
  findWhatBarsModel,
  isModelBar,
  type ModelUnavailable,
  refuseForManualPath,
} from './manual-path.ts';
import type { SetCreationDeps } from './set-creation.ts';

type RefusalDeps = Pick<SetCreationDeps, 'decisionLog' | 'jobSeekers' | 'settings' | 'models' | 'now'>;

/**
 * Records that suggestions were refused for the person (`suggestion.refused`) and returns the
 * refusal naming the manual path. When the log cannot take the record (the database is down),
 * its error is thrown instead: no refusal goes unrecorded. A person erased, or moved to another
 * caseload, since the counselor's request looked them up is "not found", and nothing is logged.
 *
 * Why the model may not be used is read again under the log's lock, as the set's creation reads
 * it: the refusal names what bars the model then (the person's objection, the kill switch), and none
 * is logged or returned (undefined) once nothing does, the objection withdrawn, suggestions switched
 * on again or a model activated where none was, since the look. A refusal logged after that would
 * record a reason the log itself says no longer stood, and send the counselor to the manual path for
 * nothing. A model active but not loadable here (`model_unavailable`) is this process's state, not
 * read again.
 */
export async function refuseSuggestions(
  deps: RefusalDeps,
  counselor: Principal,
  seeker: JobSeeker,
  why: ModelUnavailable,
  retryAfterMs?: number,
): Promise<DomainError | undefined> {
  const { decisionLog, jobSeekers } = deps;
  const refused = await decisionLog.withTransaction(async (trx) => {
    // Read again, locked: an erasure committed since the look-up would otherwise be followed in
    // the log by a refusal naming the person it erased.
    const locked = await jobSeekers.lockById(trx, seeker.id);
    if (locked === undefined || !isOnCaseloadOf(locked, counselor)) throw jobSeekerNotFound(seeker.id);
    const reason = await findWhyStillRefused(deps, trx, locked, why);
    if (reason === undefined) return undefined;
    await decisionLog.append(trx, describeRefusal(counselor.subject, locked.id, reason));
    return { locked, reason };
  });
  if (refused === undefined) return undefined;
  return refuseForManualPath(refused.locked, refused.reason, deps.now(), retryAfterMs);
}

/** Why the model may not be used for the person, as it stands under the log's lock; undefined once nothing bars it. */
async function findWhyStillRefused(
  deps: RefusalDeps,
  trx: Knex.Transaction,
  locked: JobSeeker,
  why: ModelUnavailable,
): Promise<ModelUnavailable | undefined> {
  if (isModelBar(why)) return findWhatBarsModel(await deps.settings.get(trx), locked);
  if (why === 'model_unavailable') return why;
  return (await deps.models.hasActiveModel(trx)) ? undefined : why;
}
