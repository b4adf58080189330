/**
 * What a counselor's read of a set records: its opening by its counselor, a second reviewer's
 * reading, or nothing; with its event.
 */
import type { Principal } from '../auth/principal.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import { measureSecondsSince, type RecommendationSet } from './recommendation.ts';
import type { RecommendationStore } from './recommendation-store.ts';
import { expireIfDue } from './set-access.ts';
import { opensSecondReview } from './set-actions.ts';

/**
 * The set the counselor may read, expired first when due, with what their read records
 * (`findReadRecord`), and its event, in one transaction.
 */
export async function openRecommendationSet(
  deps: { store: RecommendationStore; decisionLog: DecisionLog; now: () => Date },
  counselor: Principal,
  found: RecommendationSet,
): Promise<RecommendationSet> {
  const setId = found.id;
  const now = deps.now();
  const set = await expireIfDue(deps, found, now);
  if (findReadRecord(set, counselor) === undefined) return set;
  return deps.decisionLog.withTransaction(async (trx) => {
    const fresh = await deps.store.findById(setId, trx);
    const record = fresh === undefined ? undefined : findReadRecord(fresh, counselor);
    if (fresh === undefined || record === undefined) return fresh ?? set;
    const at = now.toISOString();
    let payload: Record<string, unknown>;
    if (record === 'recommendation.opened') {
      fresh.openedAt = at;
      payload = { setId, secondsSinceCreation: measureSecondsSince(fresh.createdAt, now) };
      // Changed meanwhile: the set as stored, which the read did not change.
      if (!(await deps.store.save(trx, fresh, fresh.version)))
        return (await deps.store.findById(setId, trx)) ?? set;
    } else {
      // Each reader's own, the version kept: another's read leaves the ETag a reader holds current.
      fresh.secondReview.reads.push({ by: counselor.subject, at, round: fresh.secondReview.round });
      await deps.store.saveSecondReviewReads(trx, fresh);
      payload = { setId };
    }
    await deps.decisionLog.append(trx, {
      type: record,
      actor: { role: 'counselor', id: counselor.subject },
      subjectId: fresh.seekerId,
      payload,
    });
    return fresh;
  });
}

/**
 * What the counselor's read of the set records: its opening, by its counselor (`isOpenedByRead`); a
 * second reviewer's reading (`opensSecondReview`); or nothing.
 */
function findReadRecord(
  set: RecommendationSet,
  counselor: Principal,
): 'recommendation.opened' | 'second_review.opened' | undefined {
  if (opensSecondReview(set, counselor)) return 'second_review.opened';
  if (set.counselorId === counselor.subject && isOpenedByRead(set)) return 'recommendation.opened';
  return undefined;
}

/**
 * Whether its counselor's read opens the set: a first read while they review it, before they acted
 * on it. A set whose review is over (published, retracted, discarded, expired), or handed to a
 * second reviewer, is read, never opened: its version, which the second reviewer's If-Match holds,
 * and its log stay as they are. So is a set already shortlisted, decided or added to from the
 * creation's answer: it was reviewed unopened, and a read in another tab (or the case-management
 * tool refreshing) must not make the ETag the deciding tab holds stale.
 */
function isOpenedByRead(set: RecommendationSet): boolean {
  const reviewing = set.status === 'awaiting_shortlist' || set.status === 'pending_review';
  const actedOn =
    set.shortlist !== null ||
    set.items.some((item) => item.source !== 'model' || item.decision !== 'pending');
  return reviewing && set.openedAt === null && !actedOn;
}
