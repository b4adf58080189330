/** The logged refusal of the model's suggestions for a person, which names the manual path. */
import type { Principal } from '../auth/principal.ts';
import { isOnCaseloadOf, type JobSeeker, jobSeekerNotFound } from '../job-seekers/job-seeker.ts';
import type { DomainError } from '../shared/errors.ts';
import {
  describeRefusal,
  findWhatBarsModel,
  isModelBar,
  type ModelBar,
  type ModelUnavailable,
  type NoUsableModel,
  refuseForManualPath,
} from './manual-path.ts';
import type { SetCreationDeps } from './set-creation.ts';

/**
 * Records that suggestions were refused for the person (`suggestion.refused`) and returns the
 * refusal naming the manual path. When the log cannot take the record (the database is down),
 * its error is thrown instead: no refusal goes unrecorded. A person erased, or moved to another
 * caseload, since the counselor's request looked them up is "not found", and nothing is logged.
 *
 * What bars the model for the person (`why` an objection or the kill switch) is read again under
 * the log's lock, as the set's creation reads it: the refusal names what bars it then, and none is
 * logged or returned (undefined) once nothing does, the objection withdrawn or suggestions switched
 * on again since the look. A refusal logged after that would record a bar the log itself says no
 * longer stood, and send the counselor to the manual path for nothing.
 */
export async function refuseSuggestions(
  deps: RefusalDeps,
  counselor: Principal,
  seeker: JobSeeker,
  why: NoUsableModel,
  retryAfterMs?: number,
): Promise<DomainError>;
export async function refuseSuggestions(
  deps: RefusalDeps,
  counselor: Principal,
  seeker: JobSeeker,
  why: ModelBar,
): Promise<DomainError | undefined>;
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
    const reason = isModelBar(why) ? findWhatBarsModel(await deps.settings.get(trx), locked) : why;
    if (reason === undefined) return undefined;
    await decisionLog.append(trx, describeRefusal(counselor.subject, locked.id, reason));
    return { locked, reason };
  });
  if (refused === undefined) return undefined;
  return refuseForManualPath(refused.locked, refused.reason, deps.now(), retryAfterMs);
}

type RefusalDeps = Pick<SetCreationDeps, 'decisionLog' | 'jobSeekers' | 'settings' | 'now'>;
