import type { Principal } from '../auth/principal.ts';
import { scrubAfterCommit } from '../erasure/scrub-after-commit.ts';
import type { StorageScrubber } from '../erasure/storage-scrubber.ts';
import type { JobSeekerStore } from '../job-seekers/job-seeker-store.ts';
import { describeAcknowledgedTerms, refuseUnacknowledgedTerms } from '../screening/acknowledged-terms.ts';
import { ConflictError, InvalidInputError, NotFoundError, problemType } from '../shared/errors.ts';
import type { AfterCommitLogger } from '../shared/run-after-commit.ts';
import {
  countShownCharacters,
  readOptionalText,
  requireShownText,
  SHOWN_TEXT_MINIMUM,
} from '../shared/shown-text.ts';
import { splitAdditionWarningCodes, warnAboutAddition } from './addition-warnings.ts';
import {
  applyReviewAction,
  type OrderWarning,
  type ReviewActionDeps,
  type ReviewResult,
} from './apply-review-action.ts';
import { refuseWithdrawnCourses } from './course-offers.ts';
import { createCounselorItem } from './create-counselor-item.ts';
import { manualSetPathOf } from './manual-path.ts';
import {
  COURSE_UNAVAILABLE_REASON,
  closeSet,
  countPending,
  findReasonCode,
  type ItemSource,
  isOpenedForFigures,
  MODEL_FAULT_REASON,
  REASON_CODES,
  type RecommendationItem,
  type RecommendationSet,
  secondsSinceOpened,
  secondsSincePreviousAct,
} from './recommendation.ts';
import { type RetractedSetOutcomes, recordRetraction, retractSet } from './retract-set.ts';
import { warnAboutClosedSessions } from './session-warnings.ts';
import { isHeldBySwitch } from './set-actions.ts';

export interface ReviewServiceDeps extends ReviewActionDeps {
  /** Whose caseload holds a set's person, and their profile, which a course added by hand is checked against. */
  jobSeekers: Pick<JobSeekerStore, 'findById' | 'findStanding'>;
  /** The outcomes recorded for a set's courses, deleted when it is retracted. */
  outcomes: RetractedSetOutcomes;
  /** Clears the deleted outcomes from the database files once the retraction committed. */
  scrubber: StorageScrubber;
  logger?: AfterCommitLogger;
  /** Called once per decision on an item, after it committed (metrics). */
  onItemDecided?: (decision: ItemDecisionFigure) => void;
}

/**
 * A decision on an item as the deployment's figures count it (metrics): nothing names the
 * counselor, the set or the person.
 */
export interface ItemDecisionFigure {
  /** `course_unavailable`: a rejection the catalog forced (the course withdrawn), no judgement of the model. */
  decision: 'approved' | 'rejected' | 'course_unavailable';
  source: ItemSource;
  /**
   * Whether the counselor had opened the set (its first read) before deciding. A set made by hand
   * counts as opened: it holds nothing of the model's to read first, and its counselor made it.
   */
  opened: boolean;
  /**
   * Seconds since the counselor's previous act on the set: the time the oversight figures give a
   * decision; null when unknown (the clock read earlier than at that act), left out of the times.
   */
  seconds: number | null;
  /**
   * `fastDecisionSeconds` as set when the decision was made (read in its transaction): an approval of
   * `seconds` or less counts as fast by the setting the admin had in force then, as alerts judge it.
   */
  fastDecisionSeconds: number;
}

/**
 * The counselor's review of a set's items: one at a time (there is no bulk approval), additions and
 * order; and its end without publication, discarded, or after it, retracted. Every action needs the
 * set's current ETag and appends its decision event in the same transaction. The blind-first
 * shortlist is `ShortlistService`'s, the publication and second review `PublicationService`'s.
 */
export class ReviewService {
  constructor(private readonly deps: ReviewServiceDeps) {}

  /**
   * Approves or rejects one item; a rejection needs a published reason code. An item whose course
   * the catalog withdrew since can only be rejected; `course_unavailable` rejects only such an item.
   * The comment, which the person reads in their data export, is refused while it seems to mention
   * sensitive information and is not confirmed (`acknowledgeSensitiveTerms`).
   */
  async decideItem(
    counselor: Principal,
    setId: string,
    itemId: string,
    ifMatch: string | undefined,
    decision: {
      decision: 'approve' | 'reject';
      reasonCode?: string;
      comment?: string;
      acknowledgeSensitiveTerms?: boolean;
    },
  ): Promise<ReviewResult> {
    let figure: ItemDecisionFigure | undefined;
    const result = await applyReviewAction(
      this.deps,
      counselor,
      setId,
      ifMatch,
      'decide_item',
      async (set, now, withdrawnCourseIds, trx) => {
        const item = findItem(set, itemId);
        const comment = readOptionalText(decision.comment);
        let reasonCode: string | null = null;
        if (decision.decision === 'approve' && decision.reasonCode !== undefined) {
          // Dropping it would hide a client that meant to reject.
          throw new InvalidInputError('a reason code goes with a rejection only', {
            reasonCode: decision.reasonCode,
          });
        }
        if (decision.decision === 'approve' && withdrawnCourseIds.has(item.course.id)) {
          throw refuseWithdrawnCourses(
            'approve the item',
            [item],
            `it can be rejected, with reason code "${COURSE_UNAVAILABLE_REASON}"`,
          );
        }
        if (decision.decision === 'reject') {
          const reason = decision.reasonCode === undefined ? undefined : findReasonCode(decision.reasonCode);
          if (reason === undefined) {
            const allowedReasonCodes = REASON_CODES.map((known) => known.code);
            const given = decision.reasonCode === undefined ? 'no reason code' : `"${decision.reasonCode}"`;
            throw new InvalidInputError(
              `a rejection needs a reason code from the published list, not ${given}: one of ${allowedReasonCodes.join(', ')} (GET /v1/reason-codes gives their labels)`,
              { reasonCode: decision.reasonCode ?? null, allowedReasonCodes },
            );
          }
          if (
            reason.commentRequired &&
            (comment === null || countShownCharacters(comment) < SHOWN_TEXT_MINIMUM)
          ) {
            // Held to the bound of every text the product requires (an addition's reason, a return's
            // comment): "x" would stand for the reason the person reads. Named as each of them names
            // its field.
            throw new InvalidInputError(
              `reason code "${reason.code}" needs a comment saying why, of at least ${SHOWN_TEXT_MINIMUM} characters other than spaces and invisible characters`,
              { field: 'comment', reasonCode: reason.code },
            );
          }
          if (reason.code === COURSE_UNAVAILABLE_REASON && !withdrawnCourseIds.has(item.course.id)) {
            // The person's data export and the oversight figures would blame the catalog for the
            // counselor's own judgement.
            throw new InvalidInputError(
              `reason code "${reason.code}" is for a course the catalog withdrew; course ${item.course.id} "${item.course.title}" is still offered: reject the item with the reason that applies`,
              { reasonCode: reason.code, courseId: item.course.id },
            );
          }
          if (reason.code === MODEL_FAULT_REASON && item.source !== 'model') {
            // The person's data export would blame the tool for the counselor's own pick.
            throw new InvalidInputError(
              `reason code "${reason.code}" is for a suggestion of the model; item ${item.id} was added by a counselor: reject it with the reason that applies`,
              { reasonCode: reason.code },
            );
          }
          reasonCode = reason.code;
        }
        // After the access, the ETag and the decision's own rules: someone else's set answers 404, a
        // stale tab 412, whatever the comment says; then the person's reading of it, as a message's.
        const commentWarnings = refuseUnacknowledgedTerms(
          'comment',
          comment,
          decision.acknowledgeSensitiveTerms === true,
          'record',
        );
        const actSeconds = secondsSincePreviousAct(set, now);
        const { fastDecisionSeconds } = await this.deps.settings.get(trx);
        figure = {
          decision:
            decision.decision === 'approve'
              ? 'approved'
              : reasonCode === COURSE_UNAVAILABLE_REASON
                ? 'course_unavailable'
                : 'rejected',
          source: item.source,
          opened: isOpenedForFigures(set),
          seconds: actSeconds,
          fastDecisionSeconds,
        };
        // A changed mind (approved, then rejected) is logged as one: the reversals an auditor looks
        // for are in the event itself, not only in replaying the set's earlier events.
        const previousDecision = item.decision;
        item.decision = decision.decision === 'approve' ? 'approved' : 'rejected';
        item.reasonCode = reasonCode;
        item.comment = comment;
        item.decidedBy = counselor.subject;
        item.decidedAt = now.toISOString();
        item.decisionSeconds = secondsSinceOpened(set, now);
        if (item.decision === 'rejected') item.displayOrder = null;
        const sessions =
          item.decision === 'approved'
            ? await warnAboutClosedSessions(this.deps.courses, [item], withdrawnCourseIds, now, trx)
            : { warnings: [], closedSessions: [] };
        const acknowledged = describeAcknowledgedTerms('comment', comment, commentWarnings);
        return {
          warnings: [...commentWarnings, ...sessions.warnings, ...warnAboutOrder(set, item, 'decision')],
          events: [
            {
              type: 'item.decided',
              payload: {
                setId,
                itemId,
                courseId: item.course.id,
                source: item.source,
                rank: item.rank,
                decision: item.decision,
                previousDecision,
                reasonCode,
                decisionSeconds: item.decisionSeconds,
                // The time the oversight figures give the decision: the log's own times hold still
                // while a clock is behind (record 0004) and cannot tell it.
                secondsSincePreviousAct: actSeconds,
                hasComment: comment !== null,
                // Approved though the counselor was told its session is closed: why, or null.
                closedSession: sessions.closedSessions[0]?.reason ?? null,
                ...acknowledged.payload,
              },
              ...(acknowledged.personal === undefined ? {} : { personal: acknowledged.personal }),
            },
          ],
        };
      },
      // The switch holds the model's items only: the counselor's own may be approved meanwhile.
      {
        approves: (set) =>
          decision.decision === 'approve' &&
          set.items.find((candidate) => candidate.id === itemId)?.source !== 'counselor',
        itemId,
      },
    );
    if (figure !== undefined) this.deps.onItemDecided?.(figure);
    return result;
  }

  /**
   * Adds a course the model did not suggest, approved, marked as the counselor's; warns, without
   * refusing it, about a course the model's filters would have left out for the person. The reason,
   * which the person reads in their data export, is screened as a decision's comment.
   */
  async addItem(
    counselor: Principal,
    setId: string,
    ifMatch: string | undefined,
    addition: { courseId: string; reason: string; acknowledgeSensitiveTerms?: boolean },
  ): Promise<ReviewResult> {
    const reason = requireShownText('reason', addition.reason);
    let figure: ItemDecisionFigure | undefined;
    const result = await applyReviewAction(
      this.deps,
      counselor,
      setId,
      ifMatch,
      'add_item',
      async (set, now, _withdrawnCourseIds, trx) => {
        // Read in the set's transaction, after the access and ETag checks (someone else's set must
        // answer 404 whatever course is sent) and under the log's lock: a withdrawal committed
        // before the addition took its turn is one the log holds before it.
        const course = await this.deps.courses.findById(addition.courseId, trx);
        if (course === undefined) {
          // A typo or another system's id: no withdrawn course to look for.
          throw new InvalidInputError(
            `the catalog holds no course ${addition.courseId}: check the id, or find the course in the catalog (GET /v1/courses?active=true, by title with q)`,
            { courseId: addition.courseId },
          );
        }
        if (!course.active) {
          throw new InvalidInputError(
            `course ${addition.courseId} is not an active course of the catalog: the catalog withdrew it; choose another course in the catalog (GET /v1/courses?active=true, by title with q)`,
            { courseId: addition.courseId },
          );
        }
        const already = set.items.find((item) => item.course.id === course.id);
        if (already !== undefined) {
          // While the switch holds the model's item, deciding it would not approve it: the way to
          // propose the course is then a set by hand, not the item's decision.
          const held =
            already.source === 'model' &&
            already.decision !== 'approved' &&
            isHeldBySwitch(set, (await this.deps.settings.get(trx)).aiEnabled);
          const wayOn = held
            ? `the model's suggestion, which may not be approved while suggestions are switched off; reject it or wait, or start a set by hand for the person (POST ${manualSetPathOf(set.seekerId)}) and add the course there`
            : `decide that item instead (POST /v1/recommendations/${set.id}/items/${already.id}/decision)`;
          throw new ConflictError(
            `course ${course.id} is already in the set as item ${already.id} (${already.decision}); ${wayOn}`,
            { ...problemType('course-already-in-set'), itemId: already.id, decision: already.decision },
          );
        }
        const reasonWarnings = refuseUnacknowledgedTerms(
          'reason',
          reason,
          addition.acknowledgeSensitiveTerms === true,
          'record',
        );
        const actSeconds = secondsSincePreviousAct(set, now);
        const { fastDecisionSeconds } = await this.deps.settings.get(trx);
        figure = {
          decision: 'approved',
          source: 'counselor',
          opened: isOpenedForFigures(set),
          seconds: actSeconds,
          fastDecisionSeconds,
        };
        // Read under the log's lock, as of the addition: a set of the model's suggestions made by then,
        // older or newer than this one, may be where the counselor saw the course.
        const earlier = await this.deps.store.findEarlierModelSuggestion(
          { seekerId: set.seekerId, setId: set.id, courseId: course.id, at: now.toISOString() },
          trx,
        );
        const item: RecommendationItem = {
          ...createCounselorItem(course, reason, earlier, (await this.deps.decisionLog.lockHead(trx)).seq),
          decision: 'approved',
          decidedBy: counselor.subject,
          decidedAt: now.toISOString(),
          decisionSeconds: secondsSinceOpened(set, now),
        };
        set.items.push(item);
        const seeker = await this.deps.jobSeekers.findById(set.seekerId, trx);
        const additionWarnings = seeker === undefined ? [] : warnAboutAddition(course, seeker, now);
        const loggedWarnings = splitAdditionWarningCodes(additionWarnings);
        const acknowledged = describeAcknowledgedTerms('reason', reason, reasonWarnings);
        return {
          warnings: [...reasonWarnings, ...additionWarnings, ...warnAboutOrder(set, item, 'courseId')],
          events: [
            {
              type: 'item.added',
              payload: {
                setId,
                itemId: item.id,
                courseId: course.id,
                decisionSeconds: item.decisionSeconds,
                // Measured as a decision's is: the gap between the log's own times cannot tell it.
                secondsSincePreviousAct: actSeconds,
                earlierModelSetId: earlier?.setId ?? null,
                // What the counselor knowingly overrode, by their codes: in clear what owes nothing to
                // the person; what their level or home gave is sealed, as their values are.
                warnings: loggedWarnings.aboutCourse,
                ...acknowledged.payload,
              },
              personal: { ...acknowledged.personal, profileWarnings: loggedWarnings.aboutPerson },
            },
          ],
        };
      },
    );
    if (figure !== undefined) this.deps.onItemDecided?.(figure);
    return result;
  }

  /** Sets the order in which the approved items will reach the job seeker. */
  async orderItems(
    counselor: Principal,
    setId: string,
    ifMatch: string | undefined,
    itemIds: string[],
  ): Promise<ReviewResult> {
    return applyReviewAction(this.deps, counselor, setId, ifMatch, 'order_items', (set, now) => {
      const approved = set.items.filter((item) => item.decision === 'approved').map((item) => item.id);
      const same = approved.length === itemIds.length && approved.every((id) => itemIds.includes(id));
      if (!same) {
        throw new InvalidInputError('list every approved item exactly once', { approvedItemIds: approved });
      }
      for (const item of set.items) {
        const index = itemIds.indexOf(item.id);
        item.displayOrder = index === -1 ? null : index + 1;
      }
      set.orderedAt = now.toISOString();
      return { events: [{ type: 'items.reordered', payload: { setId, itemIds } }] };
    });
  }

  /**
   * Discards an open set with a reason; nothing of it reaches the job seeker's portal. The reason,
   * which they read in their data export, is screened as a decision's comment.
   */
  async discard(
    counselor: Principal,
    setId: string,
    ifMatch: string | undefined,
    options: { reason: string; acknowledgeSensitiveTerms?: boolean },
  ): Promise<ReviewResult> {
    const reason = requireShownText('reason', options.reason);
    return applyReviewAction(this.deps, counselor, setId, ifMatch, 'discard', (set, now) => {
      const warnings = refuseUnacknowledgedTerms(
        'reason',
        reason,
        options.acknowledgeSensitiveTerms === true,
        'record',
      );
      closeSet(set, 'discarded', now.toISOString());
      set.discardReason = reason;
      set.discardedBy = counselor.subject;
      const acknowledged = describeAcknowledgedTerms('reason', reason, warnings);
      return {
        warnings,
        events: [
          {
            type: 'recommendation.discarded',
            payload: { setId, pendingItems: countPending(set), ...acknowledged.payload },
            personal: acknowledged.personal,
          },
        ],
      };
    });
  }

  /**
   * Takes a published set back from the job seeker, with a reason (AI Act Art. 14(4)(d): the overseer
   * can reverse the output). The person no longer sees its items, nor an older set in their place.
   * Whoever holds the person's caseload now may do it: a person who moved to another counselor is
   * not left with a set nobody can take back. The reason, which the person reads in their data export,
   * is screened as a decision's comment.
   */
  async retract(
    counselor: Principal,
    setId: string,
    ifMatch: string | undefined,
    options: { reason: string; acknowledgeSensitiveTerms?: boolean },
  ): Promise<ReviewResult> {
    const reason = requireShownText('reason', options.reason);
    let outcomesDeleted = 0;
    const result = await applyReviewAction(
      this.deps,
      counselor,
      setId,
      ifMatch,
      'retract',
      async (set, now, _withdrawn, trx) => {
        const warnings = refuseUnacknowledgedTerms(
          'reason',
          reason,
          options.acknowledgeSensitiveTerms === true,
          'record',
        );
        retractSet(set, { by: counselor.subject, at: now.toISOString(), reason });
        const recorded = await recordRetraction(this.deps.outcomes, trx, set, warnings);
        outcomesDeleted = recorded.outcomesDeleted;
        return { warnings, events: [recorded.event] };
      },
    );
    // As after an erasure: the deleted outcomes leave the files too (record 0006).
    if (outcomesDeleted > 0) await scrubAfterCommit(this.deps.scrubber, this.deps.logger);
    return result;
  }
}

function findItem(set: RecommendationSet, itemId: string): RecommendationItem {
  const item = set.items.find((candidate) => candidate.id === itemId);
  if (item === undefined)
    throw new NotFoundError(
      `item ${itemId} is not in set ${set.id}; its items and their ids are in the set (GET /v1/recommendations/${set.id})`,
    );
  return item;
}

/**
 * Told when an item is approved, or a course added (approved as it is added), in a set whose
 * approved items the counselor already ordered: the item has no place in that order (a rejection
 * took an earlier one away), and would otherwise move after the ordered ones unannounced. `field`
 * is the request's: the decision, or the added course.
 */
function warnAboutOrder(
  set: RecommendationSet,
  item: RecommendationItem,
  field: OrderWarning['field'],
): OrderWarning[] {
  if (item.decision !== 'approved' || item.displayOrder !== null || set.orderedAt === null) return [];
  return [
    {
      code: 'placed_after_order',
      field,
      itemId: item.id,
      message: `item ${item.id} (course ${item.course.id} "${item.course.title}") has no place in the order you gave the approved items, so the person will read it after them: to place it, order the approved items again (PUT /v1/recommendations/${set.id}/order)`,
    },
  ];
}
