import type { Knex } from 'knex';
import type { Principal } from '../auth/principal.ts';
import type { Course } from '../courses/course.ts';
import type { CourseStore } from '../courses/course-store.ts';
import type { NewDecisionEvent } from '../decision-log/decision-event.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import { scrubAfterCommit } from '../erasure/scrub-after-commit.ts';
import type { StorageScrubber } from '../erasure/storage-scrubber.ts';
import { isOnCaseloadOf, type JobSeekerProfile } from '../job-seekers/job-seeker.ts';
import type { JobSeekerStore } from '../job-seekers/job-seeker-store.ts';
import { type ScreeningWarning, screenText, type WarnedField } from '../screening/sensitive-terms.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  PreconditionFailedError,
  problemType,
} from '../shared/errors.ts';
import type { AfterCommitLogger } from '../shared/run-after-commit.ts';
import { readOptionalText, requireShownText } from '../shared/shown-text.ts';
import { createTimeOrderedId } from '../shared/time-ordered-id.ts';
import {
  type AdditionWarning,
  type AdditionWarningCode,
  splitAdditionWarningCodes,
  warnAboutAddition,
} from './addition-warnings.ts';
import { findWithdrawnCourseIds, refuseWithdrawnCourses } from './course-offers.ts';
import { describeAcknowledgedTerms, screenMessageToPerson } from './message-to-person.ts';
import {
  COURSE_UNAVAILABLE_REASON,
  closeSet,
  computeExpiry,
  countPending,
  type EarlierModelSuggestion,
  findReasonCode,
  type ItemSource,
  MODEL_FAULT_REASON,
  measureSecondsSince,
  REASON_CODES,
  type RecommendationItem,
  type RecommendationSet,
  type SetAction,
  type SetReplacement,
  type SetView,
  secondsSincePreviousAct,
  settlePublicationTime,
  snapshotCourse,
  UNDECIDED,
} from './recommendation.ts';
import type { RecommendationStore } from './recommendation-store.ts';
import { type RetractedSetOutcomes, recordRetraction, retractSet } from './retract-set.ts';
import { type SessionWarning, warnAboutClosedSessions } from './session-warnings.ts';
import {
  ACTION_VERBS,
  expireIfDue,
  findVisibleSet,
  requireActionState,
  requireCurrentEtag,
  requireMayTakeAction,
  requireStatus,
  setNotFound,
  viewSetFor,
} from './set-access.ts';
import {
  findSecondReviewRead,
  hasReadForSecondReview,
  isHeldBySwitch,
  listWithdrawnApprovals,
  releasesModelOutput,
} from './set-actions.ts';
import { withdrawSets } from './withdraw-open-sets.ts';

export interface ReviewServiceDeps {
  store: RecommendationStore;
  /**
   * Whose caseload a job seeker is on now: a set's counselor acts on it only while they are theirs.
   * A publication locks the person's row, as a creation does.
   */
  jobSeekers: Pick<JobSeekerStore, 'findById' | 'lockById'>;
  /** The catalog: additions and shortlists name active courses; nothing withdrawn since is approved or published. */
  courses: CourseStore;
  /**
   * The kill switch (while suggestions are off, none of the model's items may be approved, nor a set
   * it made published),
   * and the lifetime a set handed to or returned from a second review gets anew.
   */
  settings: Pick<SettingsStore, 'get'>;
  decisionLog: DecisionLog;
  /** The outcomes recorded for a set's courses, deleted when it is retracted. */
  outcomes: RetractedSetOutcomes;
  /** Clears the deleted outcomes from the database files once the retraction committed. */
  scrubber: StorageScrubber;
  logger?: AfterCommitLogger;
  now: () => Date;
  /** Called once per free-text warning (metrics). */
  onWarning?: (warning: ScreeningWarning<WarnedField>) => void;
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
}

/**
 * What the suggestions' hard filters would have said of a course of the counselor's blind-first
 * shortlist that the set takes as an item (`itemId`): the addition's warnings, for one of the picks.
 */
export interface ShortlistWarning extends Omit<AdditionWarning, 'field'> {
  field: 'courseIds';
  itemId: string;
}

/**
 * What a review action warns about without refusing it: its free text, a course added by hand or
 * shortlisted, a course whose session closed.
 */
export type ReviewWarning =
  | ScreeningWarning<WarnedField>
  | AdditionWarning
  | ShortlistWarning
  | SessionWarning;

/**
 * The reason kept with a course of the counselor's blind-first shortlist that the model did not
 * suggest, taken into the set as their item: in the counselor's view and the person's data export.
 */
export const SHORTLIST_PICK_REASON =
  'retenue par le conseiller dans sa propre sélection, avant de voir les propositions de l’IA (mode à l’aveugle)';

/** A set after a review action, with its warnings. */
export interface ReviewResult extends SetView {
  warnings: ReviewWarning[];
}

interface Change {
  events: Array<Omit<NewDecisionEvent, 'actor' | 'subjectId'>>;
  warnings?: ReviewWarning[];
}

/**
 * A review action on the set as read in its transaction. `withdrawnCourseIds`: its courses the
 * catalog no longer offers, read in the same transaction. `renewLifetime` gives the set a full
 * lifetime (`setTtlHours`) from now, read in the same transaction, and returns its new expiry.
 * `publish` publishes the set now, by the caller, in the same transaction, and returns the id of the
 * set the person saw until then, which it marks replaced (null when none: see `replaceShownSet`).
 */
type Mutation = (
  set: RecommendationSet,
  now: Date,
  withdrawnCourseIds: ReadonlySet<string>,
  renewLifetime: () => Promise<string>,
  publish: () => Promise<string | null>,
  trx: Knex.Transaction,
) => Change | Promise<Change>;

/**
 * The counselor's review: one item at a time (there is no bulk approval), additions, order,
 * blind-first shortlist, publication, second review, discarding and retraction. Every action needs the
 * set's current ETag and appends its decision event in the same transaction.
 */
export class ReviewService {
  constructor(private readonly deps: ReviewServiceDeps) {}

  /**
   * Approves or rejects one item; a rejection needs a published reason code. An item whose course
   * the catalog withdrew since can only be rejected; `course_unavailable` rejects only such an item.
   */
  async decideItem(
    counselor: Principal,
    setId: string,
    itemId: string,
    ifMatch: string | undefined,
    decision: { decision: 'approve' | 'reject'; reasonCode?: string; comment?: string },
  ): Promise<ReviewResult> {
    let figure: ItemDecisionFigure | undefined;
    const result = await this.change(
      counselor,
      setId,
      ifMatch,
      'decide_item',
      async (set, now, withdrawnCourseIds, _renewLifetime, _publish, trx) => {
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
          if (reason.commentRequired && comment === null) {
            throw new InvalidInputError(`reason code "${reason.code}" needs a comment`);
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
        const actSeconds = secondsSincePreviousAct(set, now);
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
        };
        item.decision = decision.decision === 'approve' ? 'approved' : 'rejected';
        item.reasonCode = reasonCode;
        item.comment = comment;
        item.decidedBy = counselor.subject;
        item.decidedAt = now.toISOString();
        item.decisionSeconds = secondsSinceOpened(set, now);
        if (item.decision === 'rejected') item.displayOrder = null;
        const sessionWarnings =
          item.decision === 'approved'
            ? await warnAboutClosedSessions(this.deps.courses, [item], withdrawnCourseIds, now, trx)
            : [];
        return {
          warnings: [...screenText('comment', comment), ...sessionWarnings],
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
                reasonCode,
                decisionSeconds: item.decisionSeconds,
                // The time the oversight figures give the decision: the log's own times hold still
                // while a clock is behind (record 0004) and cannot tell it.
                secondsSincePreviousAct: actSeconds,
                hasComment: comment !== null,
              },
              ...(comment === null ? {} : { personal: { comment } }),
            },
          ],
        };
      },
      // The switch holds the model's items only: the counselor's own may be approved meanwhile.
      {
        approves: (set) =>
          decision.decision === 'approve' &&
          set.items.find((candidate) => candidate.id === itemId)?.source !== 'counselor',
      },
    );
    if (figure !== undefined) this.deps.onItemDecided?.(figure);
    return result;
  }

  /**
   * Adds a course the model did not suggest, approved, marked as the counselor's; warns, without
   * refusing it, about a course the model's filters would have left out for the person.
   */
  async addItem(
    counselor: Principal,
    setId: string,
    ifMatch: string | undefined,
    addition: { courseId: string; reason: string },
  ): Promise<ReviewResult> {
    const reason = requireShownText('reason', addition.reason);
    // Read before the set's transaction (SQLite has one connection), judged after the access and
    // ETag checks: someone else's set must answer 404 whatever course is sent. A set's person
    // never changes, so the set read here serves for them.
    const course = await this.deps.courses.findById(addition.courseId);
    const stored = await this.deps.store.findById(setId);
    const seeker = stored === undefined ? undefined : await this.deps.jobSeekers.findById(stored.seekerId);
    let figure: ItemDecisionFigure | undefined;
    const result = await this.change(
      counselor,
      setId,
      ifMatch,
      'add_item',
      async (set, now, _withdrawnCourseIds, _renewLifetime, _publish, trx) => {
        if (course === undefined || !course.active) {
          throw new InvalidInputError(`course ${addition.courseId} is not an active course of the catalog`);
        }
        const already = set.items.find((item) => item.course.id === course.id);
        if (already !== undefined) {
          throw new ConflictError(
            `course ${course.id} is already in the set as item ${already.id} (${already.decision}); decide that item instead (POST /v1/recommendations/${set.id}/items/${already.id}/decision)`,
            { ...problemType('course-already-in-set'), itemId: already.id, decision: already.decision },
          );
        }
        figure = {
          decision: 'approved',
          source: 'counselor',
          opened: isOpenedForFigures(set),
          seconds: secondsSincePreviousAct(set, now),
        };
        // Read under the log's lock, as of the addition: a set of the model's suggestions made by then,
        // older or newer than this one, may be where the counselor saw the course.
        const earlier = await this.deps.store.findEarlierModelSuggestion(
          { seekerId: set.seekerId, setId: set.id, courseId: course.id, at: now.toISOString() },
          trx,
        );
        const item: RecommendationItem = {
          ...createCounselorItem(course, reason, earlier),
          decision: 'approved',
          decidedBy: counselor.subject,
          decidedAt: now.toISOString(),
          decisionSeconds: secondsSinceOpened(set, now),
        };
        set.items.push(item);
        const additionWarnings = seeker === undefined ? [] : warnAboutAddition(course, seeker, now);
        const loggedWarnings = splitAdditionWarningCodes(additionWarnings);
        return {
          warnings: [...screenText('reason', reason), ...additionWarnings],
          events: [
            {
              type: 'item.added',
              payload: {
                setId,
                itemId: item.id,
                courseId: course.id,
                decisionSeconds: item.decisionSeconds,
                earlierModelSetId: earlier?.setId ?? null,
                // What the counselor knowingly overrode, by their codes: in clear what owes nothing to
                // the person; what their level or home gave is sealed, as their values are.
                warnings: loggedWarnings.aboutCourse,
              },
              personal: { reason, profileWarnings: loggedWarnings.aboutPerson },
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
    return this.change(counselor, setId, ifMatch, 'order_items', (set) => {
      const approved = set.items.filter((item) => item.decision === 'approved').map((item) => item.id);
      const same = approved.length === itemIds.length && approved.every((id) => itemIds.includes(id));
      if (!same) {
        throw new InvalidInputError('list every approved item exactly once', { approvedItemIds: approved });
      }
      for (const item of set.items) {
        const index = itemIds.indexOf(item.id);
        item.displayOrder = index === -1 ? null : index + 1;
      }
      return { events: [{ type: 'items.reordered', payload: { setId, itemIds } }] };
    });
  }

  /**
   * Blind-first: the counselor's own picks, before the model's items are shown; those the model did
   * not suggest join the set as the counselor's items, still to decide (record 0003). Showing them
   * withdraws the person's other sets still awaiting a shortlist (they hold the same suggestions);
   * a shortlist made once the person's suggestions were shown in another recent set is recorded as
   * not blind (`modelSeenBefore`), and the figures leave it out of the overlap (record 0003).
   */
  async submitShortlist(
    counselor: Principal,
    setId: string,
    ifMatch: string | undefined,
    courseIds: string[],
  ): Promise<ReviewResult> {
    // Read before the set's transaction and judged inside it, as for an addition.
    const unknown: string[] = [];
    const picked: Course[] = [];
    for (const courseId of courseIds) {
      const course = await this.deps.courses.findById(courseId);
      if (course === undefined || !course.active) unknown.push(courseId);
      else picked.push(course);
    }
    const stored = await this.deps.store.findById(setId);
    const seeker = stored === undefined ? undefined : await this.deps.jobSeekers.findById(stored.seekerId);
    return this.change(
      counselor,
      setId,
      ifMatch,
      'submit_shortlist',
      async (set, now, _withdrawn, _renew, _publish, trx) => {
        if (unknown.length > 0) {
          // An unknown id would count as a pick the model missed and skew the overlap figure.
          throw new InvalidInputError('a shortlist names active courses of the catalog only', {
            courseIds: unknown,
          });
        }
        const modelCourses = new Set(set.items.filter((i) => i.source === 'model').map((i) => i.course.id));
        const overlap = courseIds.filter((id) => modelCourses.has(id)).length;
        const modelSeenBefore = await wasModelShownBefore(this.deps, trx, set, now);
        set.shortlist = { courseIds, submittedAt: now.toISOString(), overlap };
        set.status = 'pending_review';
        // The picks the model did not suggest join the set as the counselor's items, still to decide
        // like the model's: they named them for the person, and should not have to add them again.
        const picks = await this.takePicks(set, picked, modelCourses, seeker, now, trx);
        // The person's other sets awaiting a shortlist hold the same suggestions, now shown: a
        // shortlist "of one's own" on them could copy this set's items.
        const awaiting = (await this.deps.store.findOpenForSeeker(set.seekerId, trx, 'model')).filter(
          (other) => other.id !== set.id && other.status === 'awaiting_shortlist',
        );
        const withdrawnSetIds = await withdrawSets(this.deps, trx, awaiting, {
          reason: 'les propositions de l’IA pour la personne ont été montrées dans une autre sélection',
        });
        const profileWarnings = Object.fromEntries(
          picks.logged
            .filter((pick) => pick.aboutPerson.length > 0)
            .map((pick) => [pick.itemId, pick.aboutPerson]),
        );
        return {
          warnings: picks.warnings,
          events: [
            {
              type: 'shortlist.submitted',
              payload: {
                setId,
                courseIds,
                shortlistSize: courseIds.length,
                modelItemCount: modelCourses.size,
                overlap,
                modelSeenBefore,
                secondsSinceOpened: secondsSinceOpened(set, now),
                withdrawnSetIds,
                addedItems: picks.logged.map(({ aboutPerson: _sealed, ...inClear }) => inClear),
              },
              // What the person's level or home gave is sealed, as for an addition.
              ...(Object.keys(profileWarnings).length === 0 ? {} : { personal: { profileWarnings } }),
            },
          ],
        };
      },
    );
  }

  /**
   * Takes the courses of a blind-first shortlist that the model did not suggest into the set, as the
   * counselor's items still to decide (`SHORTLIST_PICK_REASON`), with the warnings an addition of each
   * would give, naming its item; and what the shortlist's event logs of each (the codes worked out
   * from the person's profile apart, to seal).
   */
  private async takePicks(
    set: RecommendationSet,
    picked: readonly Course[],
    modelCourses: ReadonlySet<string>,
    seeker:
      | Pick<JobSeekerProfile, 'educationLevel' | 'location' | 'mobilityRadiusKm' | 'remoteOk'>
      | undefined,
    now: Date,
    trx: Knex.Transaction,
  ): Promise<{
    warnings: ShortlistWarning[];
    logged: Array<{
      itemId: string;
      courseId: string;
      earlierModelSetId: string | null;
      warnings: AdditionWarningCode[];
      aboutPerson: AdditionWarningCode[];
    }>;
  }> {
    const warnings: ShortlistWarning[] = [];
    const logged = [];
    for (const course of picked.filter((pick) => !modelCourses.has(pick.id))) {
      const earlier = await this.deps.store.findEarlierModelSuggestion(
        { seekerId: set.seekerId, setId: set.id, courseId: course.id, at: now.toISOString() },
        trx,
      );
      const item = createCounselorItem(course, SHORTLIST_PICK_REASON, earlier);
      set.items.push(item);
      const found = seeker === undefined ? [] : warnAboutAddition(course, seeker, now);
      for (const warning of found) {
        warnings.push({
          ...warning,
          field: 'courseIds',
          itemId: item.id,
          message: `course ${course.id} "${course.title}" (item ${item.id}): ${warning.message}`,
        });
      }
      const codes = splitAdditionWarningCodes(found);
      logged.push({
        itemId: item.id,
        courseId: course.id,
        earlierModelSetId: earlier?.setId ?? null,
        warnings: codes.aboutCourse,
        aboutPerson: codes.aboutPerson,
      });
    }
    return { warnings, logged };
  }

  /**
   * Publishes the approved items, or hands the set to a second counselor when it was sampled
   * for a second review. Every item must be decided, one at least approved, and every approved
   * course still offered by the catalog.
   */
  async publish(
    counselor: Principal,
    setId: string,
    ifMatch: string | undefined,
    options: { message?: string; acknowledgeSensitiveTerms?: boolean },
  ): Promise<ReviewResult> {
    return this.change(
      counselor,
      setId,
      ifMatch,
      'publish',
      async (set, now, withdrawnCourseIds, renewLifetime, publish, trx) => {
        const message = readOptionalText(options.message);
        // The person reads it as soon as it is published: the counselor rephrases or confirms first.
        const warnings = screenMessageToPerson(
          message,
          options.acknowledgeSensitiveTerms === true,
          'publish',
        );
        set.message = message;
        settleDisplayOrder(set);
        const acknowledged = describeAcknowledgedTerms(message, warnings);
        const sessionWarnings = await warnAboutClosedSessions(
          this.deps.courses,
          set.items.filter((item) => item.decision === 'approved'),
          withdrawnCourseIds,
          now,
          trx,
        );
        // A set not drawn takes over, when published, the second review another set of the person
        // still owes, as a set made after the drawn one does at its creation: filling an older set
        // with the drawn set's courses and publishing it is no way around the draw either.
        const secondReviewOwedBy = set.secondReview.required
          ? null
          : ((await this.deps.store.findOwedSecondReview(set.seekerId, trx)) ?? null);
        if (secondReviewOwedBy !== null) set.secondReview.required = true;
        if (set.secondReview.required && set.secondReview.reviewerId === null) {
          set.status = 'awaiting_second_review';
          set.secondReview.firstReviewerId = counselor.subject;
          // A read before a return was of the set as it stood then: its approval needs a read of this
          // one. The earlier rounds' reads stay on the set, for the person's access record.
          set.secondReview.round += 1;
          // The second reviewer gets a full lifetime, however late the first review came.
          const expiresAt = await renewLifetime();
          return {
            warnings: [...warnings, ...sessionWarnings],
            events: [
              {
                type: 'second_review.requested',
                payload: {
                  setId,
                  expiresAt,
                  ...(secondReviewOwedBy === null ? {} : { secondReviewOwedBy }),
                  ...acknowledged.payload,
                },
                personal: acknowledged.personal,
              },
            ],
          };
        }
        const replacesSetId = await publish();
        return {
          warnings: [...warnings, ...sessionWarnings],
          events: [
            {
              type: 'recommendation.published',
              payload: { ...publishedPayload(set, replacesSetId), ...acknowledged.payload },
              personal: acknowledged.personal,
            },
          ],
        };
      },
    );
  }

  /**
   * A second counselor approves (publishes) or returns a sampled set; never its first reviewer. An
   * approval needs their own read of the set as handed on (`hasReadForSecondReview`), and warns, as a
   * publication does, about an approved course whose session closed. Not approved while the catalog
   * no longer offers one of its approved courses: only a return then.
   */
  async secondReview(
    counselor: Principal,
    setId: string,
    ifMatch: string | undefined,
    review: { decision: 'approve' | 'return'; comment?: string },
  ): Promise<ReviewResult> {
    return this.change(
      counselor,
      setId,
      ifMatch,
      'second_review',
      async (set, now, withdrawnCourseIds, renewLifetime, publish, trx) => {
        if (review.decision === 'approve' && !hasReadForSecondReview(set, counselor)) {
          // The ETag a 412 or 428 gives would otherwise let a set be approved unseen.
          throw new ConflictError(
            `cannot approve the set: you have not read it since it was handed to its second review; read it first (GET /v1/recommendations/${set.id}), then approve it with the ETag that read gives`,
            problemType('second-review-unread'),
          );
        }
        const withdrawn = listWithdrawnApprovals(set, withdrawnCourseIds);
        if (review.decision === 'approve' && withdrawn.length > 0) {
          throw refuseWithdrawnCourses(
            'approve the set',
            withdrawn,
            'return the set, so that its counselor can reject those items',
          );
        }
        const comment = readOptionalText(review.comment);
        const personal = comment === null ? {} : { personal: { comment } };
        const warnings = screenText('comment', comment);
        // Null for a return made without reading the set, or when the time is unknown.
        const ownRead = findSecondReviewRead(set, counselor);
        const secondsSinceOpened = ownRead === undefined ? null : measureSecondsSince(ownRead.at, now);
        if (review.decision === 'return') {
          set.status = 'pending_review';
          set.secondReview.firstReviewerId = null;
          // Kept on the set, so that its counselor reads why it came back.
          set.secondReview.returned = { by: counselor.subject, at: now.toISOString(), comment };
          // The counselor gets a full lifetime to act on the return.
          const expiresAt = await renewLifetime();
          return {
            warnings,
            events: [
              {
                type: 'second_review.completed',
                payload: { setId, decision: review.decision, expiresAt, secondsSinceOpened },
                ...personal,
              },
            ],
          };
        }
        const sessionWarnings = await warnAboutClosedSessions(
          this.deps.courses,
          set.items.filter((item) => item.decision === 'approved'),
          withdrawnCourseIds,
          now,
          trx,
        );
        set.secondReview.reviewerId = counselor.subject;
        const replacesSetId = await publish();
        // Its counselor confirmed the message despite the screening's warnings when handing it on
        // (the text sealed there): the publication says so too, where auditors look for overrides.
        const acknowledged = describeAcknowledgedTerms(set.message, screenText('message', set.message));
        return {
          warnings: [...warnings, ...sessionWarnings],
          events: [
            {
              type: 'second_review.completed',
              payload: { setId, decision: review.decision, secondsSinceOpened },
              ...personal,
            },
            {
              type: 'recommendation.published',
              payload: { ...publishedPayload(set, replacesSetId), ...acknowledged.payload },
            },
          ],
        };
      },
      { approves: () => review.decision === 'approve' },
    );
  }

  /** Discards an open set with a reason; nothing of it reaches the job seeker. */
  async discard(
    counselor: Principal,
    setId: string,
    ifMatch: string | undefined,
    options: { reason: string },
  ): Promise<ReviewResult> {
    const reason = requireShownText('reason', options.reason);
    return this.change(counselor, setId, ifMatch, 'discard', (set, now) => {
      closeSet(set, 'discarded', now.toISOString());
      set.discardReason = reason;
      return {
        warnings: screenText('reason', reason),
        events: [
          {
            type: 'recommendation.discarded',
            payload: { setId, pendingItems: countPending(set) },
            personal: { reason },
          },
        ],
      };
    });
  }

  /**
   * Takes a published set back from the job seeker, with a reason (AI Act Art. 14(4)(d): the overseer
   * can reverse the output). The person no longer sees its items, nor an older set in their place.
   * Whoever holds the person's caseload now may do it: a person who moved to another counselor is
   * not left with a set nobody can take back.
   */
  async retract(
    counselor: Principal,
    setId: string,
    ifMatch: string | undefined,
    options: { reason: string },
  ): Promise<ReviewResult> {
    const reason = requireShownText('reason', options.reason);
    let outcomesDeleted = 0;
    const result = await this.change(
      counselor,
      setId,
      ifMatch,
      'retract',
      async (set, now, _withdrawn, _renew, _publish, trx) => {
        retractSet(set, { by: counselor.subject, at: now.toISOString(), reason });
        const recorded = await recordRetraction(this.deps.outcomes, trx, set);
        outcomesDeleted = recorded.outcomesDeleted;
        return { warnings: screenText('reason', reason), events: [recorded.event] };
      },
    );
    // As after an erasure: the deleted outcomes leave the files too (record 0006).
    if (outcomesDeleted > 0) await scrubAfterCommit(this.deps.scrubber, this.deps.logger);
    return result;
  }

  /**
   * Loads, checks access, ETag and the set's state (the rules of `set-actions.ts`, which also list
   * the set's allowed actions), applies the mutation and its events in one transaction, and answers
   * the set as the caller may now act on it. `approves`: whether the request approves, in the set as
   * read in the transaction, what the model produced (one of its items, or a set in second review),
   * which the kill switch forbids.
   */
  private async change(
    counselor: Principal,
    setId: string,
    ifMatch: string | undefined,
    action: SetAction,
    mutate: Mutation,
    options: { approves?: (set: RecommendationSet) => boolean } = {},
  ): Promise<ReviewResult> {
    const { deps } = this;
    const { set: found, reader } = await findVisibleSet(deps, counselor, setId);
    requireMayTakeAction(action, found, reader);
    const now = deps.now();
    await expireIfDue(deps, found, now);
    const result = await deps.decisionLog.withTransaction(async (trx) => {
      const set = await deps.store.findById(setId, trx);
      if (set === undefined) throw setNotFound(setId);
      // Read again under the log's lock: a move to another caseload committed since the first look
      // takes the set out of the caller's hands (a published set, which a move leaves as it is, too).
      if (
        reader.holdsCaseload &&
        !isOnCaseloadOf(await deps.jobSeekers.findById(set.seekerId, trx), counselor)
      ) {
        throw setNotFound(setId);
      }
      // The stop button (AI Act Art. 14(4)(e)): once suggestions are switched off, what the model
      // produced before stays where it is, unapproved and unpublished, until they are on again.
      // Read in the transaction, after the log's lock: a switch-off committed a moment ago counts.
      if (
        releasesModelOutput(action, options.approves?.(set) ?? false) &&
        isHeldBySwitch(set, (await deps.settings.get(trx)).aiEnabled)
      ) {
        const held =
          action === 'decide_item'
            ? "no item the model suggested may be approved meanwhile (the counselor's own may); reject it or wait"
            : 'a set the model made may not be published meanwhile; discard it or wait';
        throw new ConflictError(
          `cannot ${ACTION_VERBS[action]}: suggestions are switched off, and ${held}, and start a set by hand for the person`,
          { ...problemType('ai-switched-off'), setStatus: set.status },
        );
      }
      const version = set.version;
      // Preconditions come before the state rules (RFC 9110 §13.2.2): a second tab acting on the
      // version the first one just changed gets 412, not the 409 of the state it cannot see yet.
      // Expiry is the clock's doing, not another edit: a set that expired says so (409) whatever
      // version the caller read.
      if (set.status === 'expired' && ifMatch !== undefined && ifMatch.trim() !== '') {
        requireStatus(set, [], ACTION_VERBS[action], reader);
      }
      requireCurrentEtag(set, ifMatch);
      // Every course of the set in one query, read after the preconditions (a stale tab gets 412).
      // Not locked: a catalog import locks its rows chunk by chunk, and locking a set's few courses
      // in another order could deadlock with it. A withdrawal committed while this action runs is
      // then one made just after it, which every view of the item shows.
      const withdrawnCourseIds = await findWithdrawnCourseIds(deps.courses, set.items, trx);
      requireActionState(action, set, reader, withdrawnCourseIds);
      const renewLifetime = async () => {
        set.expiresAt = computeExpiry(now, (await deps.settings.get(trx)).setTtlHours);
        return set.expiresAt;
      };
      const publish = async () => {
        const shown = await findShownSet(deps, trx, set.seekerId);
        const at = settlePublicationTime(now, set.id, shown);
        set.publishedAt = at;
        closeSet(set, 'published', at);
        set.publishedBy = counselor.subject;
        return replaceShownSet(deps.store, trx, shown, { setId: set.id, at });
      };
      const change = await mutate(set, now, withdrawnCourseIds, renewLifetime, publish, trx);
      if (!(await deps.store.save(trx, set, version))) {
        throw new PreconditionFailedError(
          'the set has changed since you read it; read it again before acting',
        );
      }
      for (const event of change.events) {
        await deps.decisionLog.append(trx, {
          ...event,
          actor: { role: 'counselor', id: counselor.subject },
          subjectId: set.seekerId,
        });
      }
      // What the caller may do next, read as the change leaves the set (an added course's
      // withdrawal is not asked again: it was active a moment ago).
      const view = await viewSetFor(deps, set, reader, { now, withdrawnCourseIds, trx });
      return { ...view, warnings: change.warnings ?? [] };
    });
    for (const warning of result.warnings) if (warning.code === 'sensitive_term') deps.onWarning?.(warning);
    return result;
  }
}

/**
 * A course the counselor chose, as an item still to decide: by hand with their reason (an addition),
 * or in their blind-first shortlist. The model's earlier suggestion of the same course is told with
 * it: a course seen among the model's suggestions and then chosen is not one the AI had no part in.
 */
function createCounselorItem(
  course: Course,
  reason: string,
  earlier: EarlierModelSuggestion | undefined,
): RecommendationItem {
  return {
    id: createTimeOrderedId(),
    course: snapshotCourse(course),
    rank: null,
    score: null,
    features: null,
    attributions: [],
    counselorExplanation: `Ajoutée par le conseiller : ${reason}`,
    seekerExplanation: {
      summary: 'Votre conseiller vous propose cette formation après avoir étudié votre situation.',
      reasons: [],
    },
    source: 'counselor',
    addedReason: reason,
    earlierModelSuggestion: earlier ?? null,
    ...UNDECIDED,
  };
}

function findItem(set: RecommendationSet, itemId: string): RecommendationItem {
  const item = set.items.find((candidate) => candidate.id === itemId);
  if (item === undefined) throw new NotFoundError(`item ${itemId} is not in set ${set.id}`);
  return item;
}

/**
 * Whether the model's suggestions for the set's person were already shown to a counselor in another
 * set still open or made within a set's lifetime (`setTtlHours`) before now: a shortlist then is not
 * blind, whatever it names (record 0003).
 */
async function wasModelShownBefore(
  deps: Pick<ReviewServiceDeps, 'store' | 'settings'>,
  trx: Knex.Transaction,
  set: RecommendationSet,
  now: Date,
): Promise<boolean> {
  const { setTtlHours } = await deps.settings.get(trx);
  const since = new Date(now.getTime() - setTtlHours * 3_600_000).toISOString();
  return (
    (await deps.store.findShownModelSet(set.seekerId, { exceptSetId: set.id, since }, trx)) !== undefined
  );
}

/** Whether a decision counts as taken in an opened set (`ItemDecisionFigure.opened`). */
function isOpenedForFigures(set: RecommendationSet): boolean {
  return set.openedAt !== null || set.model === null;
}

/** Null when the set was not opened, or when the time since is unknown (`measureSecondsSince`). */
function secondsSinceOpened(set: RecommendationSet, now: Date): number | null {
  return set.openedAt === null ? null : measureSecondsSince(set.openedAt, now);
}

/** Approved items keep the counselor's order; those never placed follow, by model rank, additions last. */
function settleDisplayOrder(set: RecommendationSet): void {
  const approved = set.items.filter((item) => item.decision === 'approved');
  approved.sort(
    (a, b) =>
      (a.displayOrder ?? Number.POSITIVE_INFINITY) - (b.displayOrder ?? Number.POSITIVE_INFINITY) ||
      (a.rank ?? Number.POSITIVE_INFINITY) - (b.rank ?? Number.POSITIVE_INFINITY),
  );
  approved.forEach((item, index) => {
    item.displayOrder = index + 1;
  });
  for (const item of set.items) if (item.decision !== 'approved') item.displayOrder = null;
}

/**
 * The set the person sees until a publication for them (the portal's own `findShownSet`: published,
 * or retracted and then showing nothing), read in the publication's transaction before the new set is
 * saved; undefined for a first publication, or when the set shown last was replaced by one deleted
 * since.
 */
async function findShownSet(
  deps: Pick<ReviewServiceDeps, 'store' | 'jobSeekers'>,
  trx: Knex.Transaction,
  seekerId: string,
): Promise<RecommendationSet | undefined> {
  // The person's row locked, as a creation locks it: two publications for one person at once take
  // turns (the log's head lock, taken first by every writer, already orders them; the guarded save
  // of the replaced set would refuse the second otherwise), and each reads what the other committed.
  await deps.jobSeekers.lockById(trx, seekerId);
  return deps.store.findShownSet(seekerId, trx);
}

/**
 * Marks `shown`, the set the person saw until a publication (`replacement`: the set published, and
 * when), as replaced by it, in the publication's transaction, and returns its id. A retracted set
 * shows nothing already: nothing is replaced (null), as at a first publication.
 */
async function replaceShownSet(
  store: RecommendationStore,
  trx: Knex.Transaction,
  shown: RecommendationSet | undefined,
  replacement: SetReplacement,
): Promise<string | null> {
  if (shown === undefined || shown.status !== 'published') return null;
  shown.replacedBy = { ...replacement };
  if (!(await store.save(trx, shown, shown.version))) {
    throw new ConflictError(
      'the suggestions of this job seeker are being changed right now; try again',
      problemType('try-again'),
    );
  }
  return shown.id;
}

function publishedPayload(set: RecommendationSet, replacesSetId: string | null): Record<string, unknown> {
  const approved = set.items
    .filter((item) => item.decision === 'approved')
    .sort((a, b) => (a.displayOrder ?? 0) - (b.displayOrder ?? 0));
  return {
    setId: set.id,
    approvedItemIds: approved.map((item) => item.id),
    approvedCount: approved.length,
    rejectedCount: set.items.filter((item) => item.decision === 'rejected').length,
    addedCount: set.items.filter((item) => item.source === 'counselor').length,
    secondReview: set.secondReview.required,
    // The set the person saw until now, which this one replaces; null when they saw none.
    replacesSetId,
  };
}
