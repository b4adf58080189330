import type { Knex } from 'knex';
import type { Principal } from '../auth/principal.ts';
import type { CourseStore } from '../courses/course-store.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import { isOnCaseloadOf } from '../job-seekers/job-seeker.ts';
import type { JobSeekerStore } from '../job-seekers/job-seeker-store.ts';
import type { OccupationLabelStore } from '../occupations/occupation-label-store.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import {
  ConflictError,
  type DomainError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
  problemType,
} from '../shared/errors.ts';
import { isWeakEntityTag, mayHaveBeenGiven, readOneIfMatch } from '../shared/if-match.ts';
import { findCourseOffers, findCoursesAsOffered, refuseWithdrawnCourses } from './course-offers.ts';
import { describeWhyModelUnavailable, type ModelBar } from './manual-path.ts';
import {
  COURSE_UNAVAILABLE_REASON,
  closeSet,
  describeDiscard,
  etagOf,
  FIRST_SET_VERSION,
  isDue,
  type RecommendationSet,
  type SetAction,
  type SetView,
  viewSetAt,
} from './recommendation.ts';
import type { RecommendationStore } from './recommendation-store.ts';
import {
  findStateRefusal,
  listAllowedActions,
  maySeeSet,
  mayTakeAction,
  type SetReader,
} from './set-actions.ts';
import { listCaveatOccupations, listSetCaveats } from './set-caveats.ts';
import { WITHDRAWAL_REASONS } from './withdrawal-reasons.ts';

/**
 * The answer for a set the counselor may not see, missing or not: the same words either way, so
 * that it tells nothing of another caseload's sets, and where the counselor finds their own.
 */
export function setNotFound(setId: string): NotFoundError {
  return new NotFoundError(
    `recommendation set ${setId} was not found among the sets you may see; yours are in your queue (GET /v1/recommendations, one person's with ?seekerId=), and those awaiting your second review in GET /v1/recommendations?queue=second_review`,
  );
}

/**
 * How long after its expiry a set that expired while it awaited a second review stays readable by
 * the counselors who could have given it: a day, the time for a reviewer who had it open, or had it
 * in their queue, to be told it expired rather than that it vanished, whether their request, another
 * one or the daily retention job recorded the expiry. After it, no second review is at stake, and a
 * counselor who does not hold the person's caseload has no need to read the person's set.
 */
export const EXPIRED_SECOND_REVIEW_READABLE_MS = 24 * 3_600_000;

/**
 * The set, if the counselor may see it (`maySeeSet`), or if it expired while it awaited a second
 * review they could give, less than {@link EXPIRED_SECOND_REVIEW_READABLE_MS} before `deps.now()`
 * (shown as expired, whoever recorded the expiry), with who they are to it.
 * Anyone else gets the answer of a missing set, but for an action (`acting`: which one) of the counselor who made the set,
 * whose person has left their caseload since (see {@link refuseNoLongerOnCaseload}), or of a
 * counselor who read the set in its second review, and whom it no longer awaits (see
 * {@link refuseSecondReviewOver}): they are told so.
 */
export async function findVisibleSet(
  deps: {
    store: Pick<RecommendationStore, 'findById'>;
    jobSeekers: Pick<JobSeekerStore, 'findStanding'>;
    now: () => Date;
  },
  counselor: Principal,
  setId: string,
  { acting }: { acting?: SetAction | undefined } = {},
): Promise<{ set: RecommendationSet; reader: SetReader }> {
  const set = await deps.store.findById(setId);
  if (set === undefined) throw setNotFound(setId);
  const reader = {
    subject: counselor.subject,
    holdsCaseload: isOnCaseloadOf(await deps.jobSeekers.findStanding(set.seekerId), counselor),
  };
  requireVisibleSet(set, reader, { acting, now: deps.now() });
  return { set, reader };
}

/**
 * Refuses a reader who may not see the set at `now` as {@link findVisibleSet} does; an action checks
 * again on the set as read in its transaction.
 */
export function requireVisibleSet(
  set: RecommendationSet,
  reader: SetReader,
  { acting, now }: { acting?: SetAction | undefined; now: Date },
): void {
  // As it stands at `now`: a set due and not yet recorded as expired is judged as expired.
  const current = viewSetAt(set, now);
  if (maySeeSet(current, reader)) return;
  // Expired while it awaited them, within a day: read, the set is shown as expired, and an action is
  // refused as an expiry (409), as when this very request records the expiry, not as a set gone or
  // reviewed by someone else because the retention job or another request recorded it first.
  if (expiredAwaitingSecondReviewOf(current, reader, now)) return;
  if (acting === undefined) throw setNotFound(set.id);
  throw refuseUnseenSet(set, reader.subject, acting);
}

/**
 * The refusal of an action on a set its caller may not see (any more): 409 to the counselor who
 * made it or read it in its second review, who know it exists; 404, as for a missing set, to anyone
 * else.
 */
export function refuseUnseenSet(set: RecommendationSet, subject: string, action: SetAction): DomainError {
  if (set.counselorId === subject) return refuseNoLongerOnCaseload(set, action);
  if (set.secondReview.reads.some((read) => read.by === subject)) return refuseSecondReviewOver(set, subject);
  return setNotFound(set.id);
}

/**
 * The refusal of an action by the counselor who made the set, once its person has left their
 * caseload (moved to another counselor): "not found" would tell them the tool lost a set they were
 * reviewing a moment ago. Its status since is not told, as the person is no longer theirs; who may
 * act on it now is.
 */
function refuseNoLongerOnCaseload(set: RecommendationSet, action: SetAction): ConflictError {
  return new ConflictError(
    `cannot ${ACTION_VERBS[action]}: the person of set ${set.id} is no longer on your caseload (their file was moved to another counselor), and their sets went with them: the counselor who holds their caseload now reads them, and may retract a published one and reply to the person's contests; nothing is left for you to do with this set (your queue: GET /v1/recommendations)`,
    problemType('no-longer-on-caseload'),
  );
}

/**
 * Whether the set expired while it awaited a second review the reader could give (they are not its
 * first reviewer): handed on, neither approved nor returned since (a return clears its first
 * reviewer), its expiry less than {@link EXPIRED_SECOND_REVIEW_READABLE_MS} before `now`.
 */
function expiredAwaitingSecondReviewOf(set: RecommendationSet, reader: SetReader, now: Date): boolean {
  const { firstReviewerId, reviewerId } = set.secondReview;
  return (
    set.status === 'expired' &&
    firstReviewerId !== null &&
    reviewerId === null &&
    firstReviewerId !== reader.subject &&
    now.getTime() < Date.parse(set.expiresAt) + EXPIRED_SECOND_REVIEW_READABLE_MS
  );
}

/**
 * The refusal of an action by a counselor who read the set in its second review, once it no longer
 * awaits one: "not found" would deny a set they have just read. Ended by their own approval or
 * return (the same request sent again, its first answer lost), they are told it was kept; ended
 * otherwise (another reviewer, a discard, a withdrawal, an expiry once returned), its status since is
 * not told: the person is not on their caseload, and nothing of the set is left for them to do. An
 * expiry while the set awaited them is the clock's doing, which their own request may record: it is
 * told as such, whoever recorded it.
 */
function refuseSecondReviewOver(set: RecommendationSet, subject: string): ConflictError {
  const { reviewerId, returned } = set.secondReview;
  const ownEnd =
    reviewerId === subject
      ? 'you approved it yourself in its second review, and your approval was kept'
      : set.status === 'pending_review' && returned?.by === subject
        ? `you returned it yourself to its counselor at ${returned.at}, and your return was kept`
        : 'another counselor reviewed it, or it was discarded, withdrawn or expired, since you read it';
  return new ConflictError(
    `set ${set.id} no longer awaits a second review: ${ownEnd}; nothing is left for you to do with it (the sets awaiting your second review: GET /v1/recommendations?queue=second_review)`,
    problemType('second-review-over'),
  );
}

/**
 * The set as shown to `reader` at `now`, with what they may do with it and how the catalog offers
 * its courses, as the person would read them (the kill switch, the catalog and the labels of the
 * occupations its caveats name read in `trx` when given). `withdrawnCourseIds`: as an action just
 * read them, which judged it by them; read here otherwise, in the same query as the offers.
 */
export async function viewSetFor(
  deps: {
    settings: Pick<SettingsStore, 'get'>;
    store: Pick<RecommendationStore, 'summarizeContests'>;
    courses: Pick<CourseStore, 'findOfferedSessions'>;
    occupationLabels: Pick<OccupationLabelStore, 'findLabels'>;
  },
  set: RecommendationSet,
  reader: SetReader,
  context: { now: Date; withdrawnCourseIds?: ReadonlySet<string>; trx?: Knex.Transaction },
): Promise<SetView> {
  const { aiEnabled } = await deps.settings.get(context.trx);
  const { now } = context;
  const catalog =
    context.withdrawnCourseIds === undefined
      ? await findCoursesAsOffered(deps.courses, set.items, now, context.trx)
      : {
          withdrawnCourseIds: context.withdrawnCourseIds,
          offers: await findCourseOffers(deps.courses, set.items, now, context.trx),
        };
  const { withdrawnCourseIds, offers } = catalog;
  const contests = await deps.store.summarizeContests(set.id, context.trx);
  // Only for a set whose caveats name occupations: no query otherwise.
  const occupationLabels = await deps.occupationLabels.findLabels(listCaveatOccupations(set), context.trx);
  return {
    set,
    readerId: reader.subject,
    withdrawnCourseIds,
    unavailableItemIds: new Set(
      set.items.filter((item) => offers.get(item.id)?.available !== true).map((item) => item.id),
    ),
    allowedActions: listAllowedActions(set, reader, {
      now,
      withdrawnCourseIds,
      aiEnabled,
      unansweredContests: contests.unanswered,
    }),
    caveats: listSetCaveats(set, { aiEnabled, now, occupationLabels }),
    contests,
  };
}

/** Each action as its refusals name it. */
export const ACTION_VERBS: Readonly<Record<SetAction, string>> = {
  decide_item: 'decide an item',
  add_item: 'add a course',
  order_items: 'order the items',
  submit_shortlist: 'submit a shortlist',
  publish: 'publish',
  second_review: 'review a second time',
  discard: 'discard',
  retract: 'retract',
  reply_to_contest: 'reply to a contest',
};

/**
 * Refuses (403) an action the reader may not take on the set whatever its state (`mayTakeAction`).
 * The person's counselor now, reading a set their previous counselor made, is told what they may do
 * with it: that counselor no longer sees the set, and can take none of its actions either.
 */
export function requireMayTakeAction(action: SetAction, set: RecommendationSet, reader: SetReader): void {
  if (mayTakeAction(action, set, reader)) return;
  const seekerPath = `/v1/job-seekers/${encodeURIComponent(set.seekerId)}`;
  throw new ForbiddenError(
    reader.holdsCaseload
      ? `cannot ${ACTION_VERBS[action]}: the set was made by the person's previous counselor; of its actions you may retract it once published (POST /v1/recommendations/${set.id}/retract) and reply to the person's contests of its courses; to propose courses, make a set of your own for the person (POST ${seekerPath}/recommendations, or ${seekerPath}/manual-recommendations while the model may not be used for them)`
      : // Only a set awaiting a second review is shown to a counselor without the person's caseload.
        `only the set's counselor may ${ACTION_VERBS[action]}; yours is its second review: approve it, or return it to its counselor with what to change (POST /v1/recommendations/${set.id}/second-review)`,
    problemType('not-set-counselor'),
  );
}

/**
 * Refuses an action the set as it stands does not allow (`findStateRefusal`), saying what can be
 * done instead (`context`: what bars the model for the person now, where the way on depends on it).
 */
export function requireActionState(
  action: SetAction,
  set: RecommendationSet,
  reader: SetReader,
  withdrawnCourseIds: ReadonlySet<string>,
  context: StatusContext = {},
): void {
  const refusal = findStateRefusal(action, set, reader, withdrawnCourseIds);
  switch (refusal?.kind) {
    case undefined:
      return;
    case 'status':
      throw refuseStatus(set, ACTION_VERBS[action], reader, context);
    case 'first_reviewer':
      throw new ForbiddenError(
        `a second review must be made by a counselor other than the first reviewer: the set awaits another counselor's, who finds it in their queue (GET /v1/recommendations?queue=second_review)${reader.holdsCaseload ? `; meanwhile you may discard it (POST /v1/recommendations/${set.id}/discard)` : ''}`,
      );
    case 'items_pending':
      throw new ConflictError(
        `every item must be decided before publishing; ${refusal.pendingItemIds.length} still pending`,
        { ...problemType('items-pending'), pendingItemIds: refusal.pendingItemIds },
      );
    case 'nothing_approved':
      throw new ConflictError(
        'nothing is approved; approve or add a course, or discard the set',
        problemType('nothing-approved'),
      );
    case 'withdrawn_approvals':
      throw refuseWithdrawnCourses(
        ACTION_VERBS[action],
        refusal.items,
        `reject those items, with reason code "${COURSE_UNAVAILABLE_REASON}", then publish`,
      );
  }
}

/** An entity tag as HTTP writes it: quoted, weak or strong. */
const ENTITY_TAG = /^(W\/)?"[^"]*"$/;

/**
 * Checks If-Match against the set's current ETag (strong comparison): exactly one entity tag, the
 * one last read.
 */
export function requireCurrentEtag(set: RecommendationSet, ifMatch: string | undefined): void {
  const tag = readOneIfMatch(ifMatch, etagOf(set));
  if (tag === undefined) {
    throw new PreconditionRequiredError(
      "send the set's ETag in If-Match: changes need the version you reviewed",
      {
        currentEtag: etagOf(set),
      },
    );
  }
  if (tag === '*') {
    throw new PreconditionRequiredError(
      "If-Match: * does not say which version you reviewed; send the set's ETag",
      { currentEtag: etagOf(set) },
    );
  }
  if (!ENTITY_TAG.test(tag)) {
    // A bare version number (`If-Match: 3`) names nothing: saying "changed" would send the counselor
    // to read again a set that did not change.
    throw new PreconditionRequiredError(
      `If-Match holds no entity tag: send the ETag header as it came, quotes included (If-Match: ${etagOf(set)})`,
      { currentEtag: etagOf(set) },
    );
  }
  if (isWeakEntityTag(tag)) {
    throw new PreconditionFailedError("a weak ETag does not name one version; send the set's strong ETag", {
      currentEtag: etagOf(set),
    });
  }
  if (!mayHaveBeenGiven(tag, set.version, FIRST_SET_VERSION)) {
    throw new PreconditionFailedError(
      `If-Match names a version this set never had (${tag}); send the ETag its read gave (If-Match: ${etagOf(set)})`,
      { currentEtag: etagOf(set) },
    );
  }
  if (tag !== etagOf(set)) {
    throw new PreconditionFailedError('the set has changed since you read it; read it again before acting', {
      currentEtag: etagOf(set),
    });
  }
}

/**
 * Moves an open set whose lifetime has passed to `expired`, with its event, in a transaction of
 * its own; returns the set as it is now.
 */
export async function expireIfDue(
  deps: { store: RecommendationStore; decisionLog: DecisionLog },
  set: RecommendationSet,
  now: Date,
): Promise<RecommendationSet> {
  if (!isDue(set, now)) return set;
  return deps.decisionLog.withTransaction(async (trx) => {
    const fresh = await deps.store.findById(set.id, trx);
    if (fresh === undefined || !isDue(fresh, now)) return fresh ?? set;
    return recordExpiry(deps, trx, fresh);
  });
}

/**
 * Marks `set` expired, read in `trx` (which holds the log's lock) and due, with its event; returns
 * the set as stored then.
 */
export async function recordExpiry(
  deps: { store: RecommendationStore; decisionLog: DecisionLog },
  trx: Knex.Transaction,
  set: RecommendationSet,
): Promise<RecommendationSet> {
  const version = set.version;
  // Its review ended when its lifetime passed, whenever the expiry is noticed.
  closeSet(set, 'expired', set.expiresAt);
  // Changed meanwhile (PostgreSQL): the set as stored, not the copy just marked expired.
  if (!(await deps.store.save(trx, set, version))) return (await deps.store.findById(set.id, trx)) ?? set;
  await deps.decisionLog.append(trx, {
    type: 'recommendation.expired',
    actor: { role: 'system', id: 'expiry' },
    subjectId: set.seekerId,
    payload: {
      setId: set.id,
      expiresAt: set.expiresAt,
      pendingItems: set.items.filter((i) => i.decision === 'pending').length,
    },
  });
  return set;
}

/** How many due sets one step of the expiry sweep takes. */
const EXPIRY_BATCH_SIZE = 100;
/** The steps of a whole sweep at most (a first run on a large database leaves the rest to the next). */
const MAX_EXPIRY_BATCHES = 1000;

/**
 * Moves open sets whose lifetime has passed to `expired`, each with its event: one batch of them
 * (a counselor's queue read, kept short), or every one (`all`, before a retention run).
 */
export async function expireDueSets(
  deps: { store: RecommendationStore; decisionLog: DecisionLog },
  now: Date,
  scope: 'batch' | 'all',
): Promise<void> {
  for (let batch = 0; batch < (scope === 'all' ? MAX_EXPIRY_BATCHES : 1); batch += 1) {
    const due = await deps.store.findDue(now, EXPIRY_BATCH_SIZE);
    let expiredNow = 0;
    for (const setId of due) {
      const set = await deps.store.findById(setId);
      if (set !== undefined && (await expireIfDue(deps, set, now)).status === 'expired') expiredNow += 1;
    }
    // The last batch; or one that could not expire a set (changed meanwhile), which the next would find again.
    if (due.length < EXPIRY_BATCH_SIZE || expiredNow === 0) break;
  }
}

/**
 * What bars the model for the set's person now (null: nothing), as the caller read it: it decides
 * where a counselor starts again after an expiry, or after a withdrawal on the person's objection,
 * which they may have withdrawn since. Unread, the set's own kind decides.
 */
export interface StatusContext {
  modelBar?: ModelBar | null;
}

/**
 * Refuses any change the set's status does not allow, saying what `reader` can do instead (or who
 * can).
 */
export function requireStatus(
  set: RecommendationSet,
  allowed: readonly RecommendationSet['status'][],
  action: string,
  reader: SetReader,
  context: StatusContext = {},
): void {
  if (allowed.includes(set.status)) return;
  throw refuseStatus(set, action, reader, context);
}

/** The refusal of an action the set's status does not allow. */
function refuseStatus(
  set: RecommendationSet,
  action: string,
  reader: SetReader,
  context: StatusContext = {},
): ConflictError {
  // `setStatus`, not `status`: problem documents reserve `status` for the HTTP status code.
  return new ConflictError(`cannot ${action}: ${explainStatus(set, action, reader, context)}`, {
    ...problemType(set.status === 'expired' ? 'set-expired' : 'set-status'),
    setStatus: set.status,
    ...(set.status === 'discarded' ? describeDiscard(set) : {}),
  });
}

/**
 * What a set pending review lacks for the action refused: a shortlist is awaited only before the
 * model's items are shown, a second review only once the set is handed on; a retraction or a reply
 * to a contest needs a published set.
 */
function describePendingFor(action: string): string {
  if (action === ACTION_VERBS.submit_shortlist) {
    return "the set is pending review and shows its model's items already (it was not made for blind-first review, or its shortlist is in)";
  }
  if (action === ACTION_VERBS.second_review) {
    return 'the set is pending review and was not handed on for a second review (its counselor publishing it hands it on, if it was drawn for one)';
  }
  return 'the set is pending review, not published';
}

/** The two ways to a new set for the person, named when neither is known to be barred. */
function describeNewSetWays(seekerPath: string): string {
  return `make a new set: ask for suggestions (POST ${seekerPath}/recommendations), or, while the model may not be used for them, start a set by hand (POST ${seekerPath}/manual-recommendations)`;
}

/**
 * Why a set in its status refuses an action, and the way on for `reader`: after an expiry, a new
 * set is asked for by whoever holds the person's caseload, by hand while the model may not be used
 * for the person (`context.modelBar`: asking for suggestions is refused then, and a set by hand
 * otherwise); a second reviewer, who does not hold it, is told so rather than sent to an operation
 * that answers them 404.
 */
function explainStatus(
  set: RecommendationSet,
  action: string,
  reader: SetReader,
  context: StatusContext,
): string {
  const setPath = `/v1/recommendations/${set.id}`;
  const seekerPath = `/v1/job-seekers/${encodeURIComponent(set.seekerId)}`;
  switch (set.status) {
    case 'awaiting_shortlist':
      // The set keeps the mode it was made under, blind-first turned off since or not: the counselor is
      // told an empty shortlist will do, so that such a set never reads as stuck.
      return `the set was made for blind-first review and awaits your own shortlist; submit it first (POST ${setPath}/shortlist; an empty one if you have none), then the model's items are shown for review`;
    case 'awaiting_second_review':
      return `the set awaits a second review; another counselor approves it (publishing it) or returns it to you (POST ${setPath}/second-review), or you discard it (POST ${setPath}/discard)`;
    case 'expired':
      if (!reader.holdsCaseload) {
        return set.model === null
          ? "the set has expired; a new set by hand for the person is their counselor's to start"
          : "the set has expired; new suggestions for the person are their counselor's to ask for";
      }
      if (context.modelBar === undefined) {
        return set.model === null
          ? `the set has expired; start a new set by hand (POST ${seekerPath}/manual-recommendations)`
          : `the set has expired; ask for new suggestions (POST ${seekerPath}/recommendations)`;
      }
      // Nothing bars the model for the person; whether one can be used now (active, loaded) is not
      // asked here (it may mean loading it): both ways are named.
      return context.modelBar === null
        ? `the set has expired; ask for new suggestions (POST ${seekerPath}/recommendations), or, while no model can be used, start a set by hand (POST ${seekerPath}/manual-recommendations)`
        : `the set has expired, and ${describeWhyModelUnavailable(context.modelBar)}; start a set by hand (POST ${seekerPath}/manual-recommendations)`;
    case 'published':
      return `the set is published and can no longer change; to take it back from the person, retract it (POST ${setPath}/retract)`;
    // Only whoever holds the person's caseload sees such a set: the way on is theirs. Which of the
    // two ways the person's case allows is not read here: both are named.
    case 'discarded':
      if (set.discardReason === WITHDRAWAL_REASONS.objection.stored) {
        // While the objection stands (or unread), asking for suggestions would be refused: the way on
        // is the manual path alone. Once withdrawn, a set by hand would be refused while the model
        // can be used.
        if (context.modelBar === undefined || context.modelBar === 'objection') {
          return `the set was withdrawn because the person objected to AI processing, and the model may no longer be used for them; to propose courses, start a set by hand (POST ${seekerPath}/manual-recommendations) with courses found in the catalog (GET /v1/courses)`;
        }
        const withdrawn =
          'the set was withdrawn because the person objected to AI processing, an objection they have withdrawn since';
        return context.modelBar === null
          ? `${withdrawn}; to propose courses to the person, ask for new suggestions (POST ${seekerPath}/recommendations), or, while no model can be used, start a set by hand (POST ${seekerPath}/manual-recommendations)`
          : `${withdrawn}, and ${describeWhyModelUnavailable(context.modelBar)}; to propose courses to the person, start a set by hand (POST ${seekerPath}/manual-recommendations)`;
      }
      return `the set was discarded; to propose courses to the person, ${describeNewSetWays(seekerPath)}`;
    case 'retracted':
      return `the set was published, then retracted; to propose courses to the person, ${describeNewSetWays(seekerPath)}`;
    // Refused here: a retraction, a second review, a shortlist, a reply to a contest, none of which
    // a set not published yet, nor handed on, can take; the way on is its review.
    case 'pending_review': {
      const pending = describePendingFor(action);
      return set.counselorId === reader.subject
        ? `${pending}: decide its items (POST ${setPath}/items/{itemId}/decision), then publish it (POST ${setPath}/publish), or discard it (POST ${setPath}/discard)`
        : `${pending}: deciding its items and publishing it, or discarding it, is its counselor's`;
    }
  }
}
