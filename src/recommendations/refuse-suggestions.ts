/** The logged refusal of the model's suggestions for a person, which names the manual path. */
import type { Principal } from '../auth/principal.ts';
import { isOnCaseloadOf, type JobSeeker, jobSeekerNotFound } from '../job-seekers/job-seeker.ts';
import type { DomainError } from '../shared/errors.ts';
import { describeRefusal, type ModelUnavailable, refuseForManualPath } from './manual-path.ts';
import type { SetCreationDeps } from './set-creation.ts';

/**
 * Records that suggestions were refused for the person (`suggestion.refused`) and returns the
 * refusal naming the manual path. When the log cannot take the record (the database is down),
 * its error is thrown instead: no refusal goes unrecorded. A person erased, or moved to another
 * caseload, since the counselor's request looked them up is "not found", and nothing is logged.
 */
export async function refuseSuggestions(
  deps: Pick<SetCreationDeps, 'decisionLog' | 'jobSeekers' | 'now'>,
  counselor: Principal,
  seeker: JobSeeker,
  why: ModelUnavailable,
  retryAfterMs?: number,
): Promise<DomainError> {
  const { decisionLog, jobSeekers } = deps;
  const refused = await decisionLog.withTransaction(async (trx) => {
    // Read again, locked: an erasure committed since the look-up would otherwise be followed in
    // the log by a refusal naming the person it erased.
    const locked = await jobSeekers.lockById(trx, seeker.id);
    if (locked === undefined || !isOnCaseloadOf(locked, counselor)) throw jobSeekerNotFound(seeker.id);
    await decisionLog.append(trx, describeRefusal(counselor.subject, locked.id, why));
    return locked;
  });
  return refuseForManualPath(refused, why, deps.now(), retryAfterMs);
}
