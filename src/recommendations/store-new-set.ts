/**
 * Storing a new set, suggestions or by hand, in one transaction under the log's lock: the checks
 * made again there, the set with its second-review draw, the sets it withdraws, its Idempotency-Key
 * and its creation event; then the counselor's answer.
 */
import type { Knex } from 'knex';
import type { Principal } from '../auth/principal.ts';
import type { NewDecisionEvent } from '../decision-log/decision-event.ts';
import type { IdempotentRequest } from '../idempotency/idempotent-request.ts';
import {
  type Enrolment,
  type JobSeekerStanding,
  jobSeekerNotFound,
  sameEnrolment,
} from '../job-seekers/job-seeker.ts';
import type { Settings } from '../settings/settings.ts';
import { DomainError } from '../shared/errors.ts';
import { answerRetry, type StoredCreation } from './answer-retry.ts';
import { buildNewSet, type NewSetFields, NO_CONTESTS, type RecommendationSet } from './recommendation.ts';
import { viewSetFor } from './set-access.ts';
import {
  type CreateResult,
  caseloadReader,
  type SetCreationDeps,
  viewCreatedSet,
  warnAboutWithdrawals,
} from './set-creation.ts';

/**
 * What storing a new set of one kind runs in its transaction, under the log's lock, with the person
 * and the settings read there: whether the set may be stored (what its event needs of that check,
 * or the refusal to answer, committed with what `admit` appended), then its creation event.
 */
export interface NewSetSteps<Admitted> {
  admit(
    trx: Knex.Transaction,
    settings: Settings,
    seeker: JobSeekerStanding,
  ): Promise<{ admitted: Admitted; catalogMoved?: boolean } | { refused: DomainError }>;
  /** Withdraws the person's open sets the new set takes over from; returns their ids. */
  withdraw(trx: Knex.Transaction, set: RecommendationSet): Promise<string[]>;
  writeEvent(
    trx: Knex.Transaction,
    set: RecommendationSet,
    admitted: Admitted,
    secondReviewOwedBy: string | null,
    withdrawnSetIds: string[],
  ): Promise<Pick<NewDecisionEvent, 'type' | 'payload' | 'personal'>>;
}

/**
 * Stores a new set with its Idempotency-Key and its creation event, in one transaction (which
 * `writeEvent` may use for what the creation changes besides), once the person is seen, locked,
 * still on the set's caseload and the `enrolment` read before, and `admit` let it through. The set
 * is made (status, second-review draw, lifetime) under the settings read there, under the log's lock. A set not drawn for a
 * second review takes over the one an earlier set still owes (`writeEvent` gets that set's id). A
 * request that lost the race to a concurrent one with the same key is answered as a retry of it
 * (`answerRetry`).
 */
export async function storeNewSet<Admitted>(
  deps: SetCreationDeps,
  counselor: Principal,
  fields: NewSetFields,
  enrolment: Enrolment,
  now: Date,
  idempotencyKey: string,
  creation: IdempotentRequest,
  steps: NewSetSteps<Admitted>,
): Promise<CreateResult> {
  let set: RecommendationSet;
  let catalogMoved: boolean;
  let withdrawnSetIds: string[];
  try {
    const stored = await deps.decisionLog.withTransaction(async (trx) => {
      // Read again, locked: an objection, a move to another counselor or a change of the
      // settings, committed since the checks above, would otherwise find nothing to withdraw or
      // stop, and this set would survive them, or be made under settings the log says had
      // changed before it (record 0004: writers take turns before they read). Of the person, what
      // those checks read: the set holds the profile read before, so the person must be the same
      // enrolment (erased and enrolled again meanwhile, they are another: nothing read before
      // the erasure may be stored after it). Its id tells, not its creation time, which a return
      // in the same millisecond, or under a clock stepped back, shares (`sameEnrolment`).
      const seeker = await deps.jobSeekers.lockStanding(trx, fields.seekerId);
      if (seeker?.counselorId !== fields.counselorId || !sameEnrolment(seeker, enrolment)) {
        throw jobSeekerNotFound(fields.seekerId);
      }
      const settings = await deps.settings.get(trx);
      const admission = await steps.admit(trx, settings, seeker);
      if ('refused' in admission) return admission;
      // Made at the log's time, its lifetime counted from it: a set made by a process whose clock
      // lags another's (or stepped back) would otherwise be dated, and end, before acts the log
      // already holds.
      const { seq: headSeq } = await deps.decisionLog.lockHead(trx);
      const at = await deps.decisionLog.timeAt(trx, now);
      const made = buildNewSet(fields, settings, { at, headSeq }, deps.secondReviewDrawKey);
      // A set not drawn takes over the second review an earlier drawn set of the person still
      // owes: discarding a drawn set, or letting it expire, and starting another is no new draw.
      // Read under the log's lock, so that two creations at once cannot both miss it.
      const secondReviewOwedBy = made.secondReview.required
        ? null
        : ((await deps.store.findOwedSecondReview(made.seekerId, trx)) ?? null);
      if (secondReviewOwedBy !== null) made.secondReview.required = true;
      await deps.store.insert(trx, made);
      const withdrawnSetIds = await steps.withdraw(trx, made);
      await deps.idempotency.insert(trx, {
        subject: counselor.subject,
        key: idempotencyKey,
        operation: creation.operation,
        requestHash: creation.requestHash,
        responseStatus: 201,
        responseBody: JSON.stringify({
          id: made.id,
          seekerId: made.seekerId,
          status: made.status,
          expiresAt: made.expiresAt,
          secondReviewRequired: made.secondReview.required,
          // So that a retry warns as the first answer did.
          ...(withdrawnSetIds.length === 0 ? {} : { withdrawnSetIds }),
        } satisfies StoredCreation),
        createdAt: made.createdAt,
      });
      await deps.decisionLog.append(trx, {
        ...(await steps.writeEvent(trx, made, admission.admitted, secondReviewOwedBy, withdrawnSetIds)),
        actor: { role: 'counselor', id: counselor.subject },
        subjectId: made.seekerId,
      });
      return { made, catalogMoved: admission.catalogMoved === true, withdrawnSetIds };
    });
    if ('refused' in stored) throw stored.refused;
    set = stored.made;
    catalogMoved = stored.catalogMoved;
    withdrawnSetIds = stored.withdrawnSetIds;
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const raced = await answerRetry(deps, counselor, idempotencyKey, creation);
    if (raced !== undefined) return raced;
    throw error;
  }
  const warnings = await warnAboutWithdrawals(deps, set, withdrawnSetIds);
  if (catalogMoved) {
    return {
      ...(await viewSetFor(deps, set, caseloadReader(counselor), { now: deps.now() })),
      warnings,
      replayed: false,
    };
  }
  // Its candidates were read a moment ago as active courses whose session starts after today, in
  // the catalog as it still stood when the set was stored.
  return {
    set,
    readerId: counselor.subject,
    withdrawnCourseIds: new Set(),
    unavailableItemIds: new Set(),
    ...(await viewCreatedSet(deps, set, counselor)),
    contests: NO_CONTESTS,
    warnings,
    replayed: false,
  };
}
