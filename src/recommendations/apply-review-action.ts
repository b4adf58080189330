import type { Knex } from 'knex';
import type { Principal } from '../auth/principal.ts';
import type { CourseStore } from '../courses/course-store.ts';
import type { NewDecisionEvent } from '../decision-log/decision-event.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import { isOnCaseloadOf } from '../job-seekers/job-seeker.ts';
import type { JobSeekerStore } from '../job-seekers/job-seeker-store.ts';
import type { OccupationLabelStore } from '../occupations/occupation-label-store.ts';
import type { ScreeningWarning, WarnedField } from '../screening/sensitive-terms.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import { ConflictError, PreconditionFailedError, problemType } from '../shared/errors.ts';
import type { AdditionWarning, ShortlistWarning } from './addition-warnings.ts';
import type { PersonReadsCommentWarning } from './comment-read-by-person.ts';
import { findWithdrawnCourseIds } from './course-offers.ts';
import { findWhatBarsModel, manualSetPathOf } from './manual-path.ts';
import { etagOf, isDue, type RecommendationSet, type SetAction, type SetView } from './recommendation.ts';
import type { RecommendationStore } from './recommendation-store.ts';
import type { SessionWarning } from './session-warnings.ts';
import {
  ACTION_VERBS,
  expireIfDue,
  findVisibleSet,
  recordExpiry,
  refuseUnseenSet,
  requireActionState,
  requireCurrentEtag,
  requireMayTakeAction,
  requireStatus,
  requireVisibleSet,
  type StatusContext,
  setNotFound,
  viewSetFor,
} from './set-access.ts';
import { ACTION_STATUSES, isHeldBySwitch, releasesModelOutput, type SetReader } from './set-actions.ts';
import type { WithdrawalWarning } from './withdrawal-warnings.ts';

/** What every review action reads and writes through. */
export interface ReviewActionDeps {
  store: RecommendationStore;
  /** Whose caseload a job seeker is on now: a set's counselor acts on it only while they are theirs. */
  jobSeekers: Pick<JobSeekerStore, 'findStanding'>;
  /** The catalog: additions and shortlists name active courses; nothing withdrawn since is approved or published. */
  courses: CourseStore;
  /**
   * The kill switch (while suggestions are off, none of the model's items may be approved, nor a set
   * it made published), and a set's lifetime: the one a set handed to or returned from a second review
   * gets anew, and how far back a shortlist finds the model's suggestions already shown.
   */
  settings: Pick<SettingsStore, 'get'>;
  /** The labels of the occupations a set's caveats name. */
  occupationLabels: Pick<OccupationLabelStore, 'findLabels'>;
  decisionLog: DecisionLog;
  now: () => Date;
  /** Called once per free-text warning (metrics). */
  onWarning?: (warning: ScreeningWarning<WarnedField>) => void;
}

/**
 * What a review action warns about without refusing it: its free text, a course added by hand or
 * shortlisted, a course whose session closed.
 */
export type ReviewWarning =
  | ScreeningWarning<WarnedField>
  | AdditionWarning
  | ShortlistWarning
  | SessionWarning
  | PersonReadsCommentWarning
  | WithdrawalWarning
  | OrderWarning
  | UnopenedWarning;

/**
 * An item approved, or a course added, after the counselor ordered the set's approved items: it has
 * no place in that order, so the person reads it after the ordered ones until they are ordered again.
 */
export interface OrderWarning {
  code: 'placed_after_order';
  field: 'decision' | 'courseId';
  itemId: string;
  message: string;
}

/**
 * A set of the model's suggestions published, or handed to its second review, by a counselor who
 * never opened it (its items decided from the creation's answer): not refused, but the oversight
 * figures count it as reviewed unopened, and the counselor is told so then rather than never.
 */
export interface UnopenedWarning {
  code: 'published_unopened';
  field: 'setId';
  setId: string;
  message: string;
}

/** A set after a review action, with its warnings. */
export interface ReviewResult extends SetView {
  warnings: ReviewWarning[];
}

/** What a review action did to the set: its events, to append, and its warnings. */
export interface ReviewChange {
  events: Array<Omit<NewDecisionEvent, 'actor' | 'subjectId'>>;
  warnings?: ReviewWarning[];
  /**
   * Warnings about a text an earlier action wrote and this one acts on (the message a second
   * reviewer's approval publishes): answered after `warnings`, not counted again.
   */
  restatedWarnings?: ReviewWarning[];
}

/**
 * A review action on the set as read in its transaction. `withdrawnCourseIds`: its courses the
 * catalog no longer offers, read in the same transaction.
 */
export type ReviewMutation = (
  set: RecommendationSet,
  now: Date,
  withdrawnCourseIds: ReadonlySet<string>,
  trx: Knex.Transaction,
) => ReviewChange | Promise<ReviewChange>;

/** An action's transaction found the set's lifetime passed by the log's time, and recorded its expiry. */
const EXPIRED_MEANWHILE = Symbol('expired meanwhile');

/**
 * Loads, checks access, ETag and the set's state (the rules of `set-actions.ts`, which also list
 * the set's allowed actions), applies the mutation and its events in one transaction, and answers
 * the set as the caller may now act on it. `approves`: whether the request approves, in the set as
 * read in the transaction, what the model produced (one of its items, or a set in second review),
 * which the kill switch forbids; `itemId`: the item the action decides, which that refusal names.
 */
export async function applyReviewAction(
  deps: ReviewActionDeps,
  counselor: Principal,
  setId: string,
  ifMatch: string | undefined,
  action: SetAction,
  mutate: ReviewMutation,
  options: { approves?: (set: RecommendationSet) => boolean; itemId?: string } = {},
): Promise<ReviewResult> {
  const { set: found, reader } = await findVisibleSet(deps, counselor, setId, { acting: action });
  requireMayTakeAction(action, found, reader);
  const now = deps.now();
  await expireIfDue(deps, found, now);
  const result = await deps.decisionLog.withTransaction(async (trx) => {
    const set = await deps.store.findById(setId, trx);
    if (set === undefined) throw setNotFound(setId);
    // Whether its lifetime has passed is told at the log's time, as its lifetime was counted: after
    // another process, its clock ahead, logged an event past the set's end, an act here would be
    // logged after that end too. The expiry is recorded, and the act answered as on any expired set
    // (the act itself is still timed by this clock, record 0008).
    if (isDue(set, await deps.decisionLog.timeAt(trx, now))) {
      await recordExpiry(deps, trx, set);
      return EXPIRED_MEANWHILE;
    }
    // Read again under the log's lock: a move to another caseload committed since the first look
    // takes the set out of the caller's hands (a published set, which a move leaves as it is, too).
    const standing = reader.holdsCaseload ? await deps.jobSeekers.findStanding(set.seekerId, trx) : undefined;
    if (reader.holdsCaseload && !isOnCaseloadOf(standing, counselor)) {
      throw refuseUnseenSet(set, counselor.subject, action);
    }
    // A second review ended since the first look (by another reviewer, or the same reviewer's other
    // tab) is told as over, not stale (412, whose fresh read would answer 404). An expiry is the
    // clock's doing, which may be this very request's: it is answered below as such.
    if (set.status !== 'expired') requireVisibleSet(set, reader, { acting: action, now });
    const version = set.version;
    // Preconditions come before the state rules (RFC 9110 §13.2.2): a second tab acting on the
    // version the first one just changed gets 412, not the 409 of the state it cannot see yet.
    // Expiry is the clock's doing, not another edit: a set that expired says so (409) whatever
    // version the caller read.
    // Where its counselor starts again after an expiry or a withdrawal: by hand while the model may
    // not be used for the person as they stand now (an objection withdrawn since bars it no longer).
    const statusContext: StatusContext =
      standing !== undefined && (set.status === 'expired' || set.status === 'discarded')
        ? { modelBar: findWhatBarsModel(await deps.settings.get(trx), standing) ?? null }
        : {};
    if (set.status === 'expired' && ifMatch !== undefined && ifMatch.trim() !== '') {
      requireStatus(set, [], ACTION_VERBS[action], reader, statusContext);
    }
    requireCurrentEtag(set, ifMatch);
    // The stop button (AI Act Art. 14(4)(e)), a state rule after the preconditions like the others:
    // once suggestions are switched off, what the model produced before stays where it is,
    // unapproved and unpublished, until they are on again.
    // Read in the transaction, after the log's lock: a switch-off committed a moment ago counts.
    // A set whose status refuses the action anyway (expired, published…) holds nothing back: its
    // own refusal says what can be done, where this one would send the counselor to discard it.
    if (
      ACTION_STATUSES[action].includes(set.status) &&
      releasesModelOutput(action, options.approves?.(set) ?? false) &&
      isHeldBySwitch(set, (await deps.settings.get(trx)).aiEnabled)
    ) {
      // Only an approval is held in a second review: "cannot review a second time" would read as
      // though a return were refused too.
      const verb = action === 'second_review' ? 'approve the set in its second review' : ACTION_VERBS[action];
      throw new ConflictError(
        `cannot ${verb}: suggestions are switched off, and ${describeHeldBySwitch(action, set, reader, options.itemId)}`,
        { ...problemType('ai-switched-off'), setStatus: set.status },
      );
    }
    // Every course of the set in one query, read after the preconditions (a stale tab gets 412).
    // Not locked: a catalog import locks its rows chunk by chunk, and locking a set's few courses
    // in another order could deadlock with it. A withdrawal committed while this action runs is
    // then one made just after it, which every view of the item shows.
    const withdrawnCourseIds = await findWithdrawnCourseIds(deps.courses, set.items, trx);
    requireActionState(action, set, reader, withdrawnCourseIds, statusContext);
    const change = await mutate(set, now, withdrawnCourseIds, trx);
    if (!(await deps.store.save(trx, set, version))) {
      // Changed by another writer since it was read above: the ETag it has now, as every 412 gives.
      const current = await deps.store.findById(setId, trx);
      if (current === undefined) throw setNotFound(setId);
      throw new PreconditionFailedError(
        'the set has changed since you read it; read it again before acting',
        {
          currentEtag: etagOf(current),
        },
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
    const warnings = change.warnings ?? [];
    return { view: { ...view, warnings: [...warnings, ...(change.restatedWarnings ?? [])] }, warnings };
  });
  // Answered as any set whose expiry is recorded: the refusal its reader is owed (record 0003).
  if (result === EXPIRED_MEANWHILE) {
    return applyReviewAction(deps, counselor, setId, ifMatch, action, mutate, options);
  }
  for (const warning of result.warnings) if (warning.code === 'sensitive_term') deps.onWarning?.(warning);
  return result.view;
}

/**
 * What the kill switch holds back from the action, and the way on: to its counselor, a set by hand
 * for the person (it withdraws this one); a second reviewer, who holds no caseload, returns the set.
 * A blind-first shortlist pick the model suggested too is the model's item: the counselor who picked
 * it is told so, rather than read that their own picks may be approved.
 */
function describeHeldBySwitch(
  action: SetAction,
  set: RecommendationSet,
  reader: SetReader,
  itemId: string | undefined,
): string {
  const byHand = `start a set by hand for the person (POST ${manualSetPathOf(set.seekerId)})`;
  if (action === 'decide_item') {
    const course = set.items.find((item) => item.id === itemId)?.course;
    if (course !== undefined && set.shortlist?.courseIds.includes(course.id) === true) {
      return `course ${course.id} of your shortlist was suggested by the model too, so this item is the model's, and none of its items may be approved meanwhile (your picks it did not suggest may); reject it or wait, or ${byHand} and add the course there`;
    }
    return `no item the model suggested may be approved meanwhile (the counselor's own may); reject it or wait, or ${byHand}`;
  }
  return reader.holdsCaseload
    ? `a set the model made may not be published meanwhile; discard it and ${byHand}, or wait`
    : `a set the model made may not be published meanwhile; return it to its counselor (POST /v1/recommendations/${set.id}/second-review) or wait`;
}
