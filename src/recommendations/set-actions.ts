/**
 * Who may act on a set, and when: the one copy of the review's rules. The review service enforces
 * them, refusing an action they forbid; the set's `allowedActions` lists those they allow, so that
 * what a counselor is offered is what the service would accept.
 */
import {
  OPEN_STATUSES,
  type RecommendationItem,
  type RecommendationSet,
  SET_ACTIONS,
  type SecondReviewRead,
  type SetAction,
  type SetStatus,
  viewSetAt,
} from './recommendation.ts';

/** A counselor reading a set: who they are, and whether the set's person is on their caseload now. */
export interface SetReader {
  subject: string;
  holdsCaseload: boolean;
}

/**
 * Whether the counselor may read the set: any set of a person on their caseload now (their own, or
 * a previous counselor's, which shows what the person was offered), and, while it awaits a second
 * review, any set but one they reviewed first (the second reviewer is a peer). A counselor the
 * person moved away from reads none of their sets.
 */
export function maySeeSet(set: RecommendationSet, reader: SetReader): boolean {
  if (reader.holdsCaseload) return true;
  return set.status === 'awaiting_second_review' && set.secondReview.firstReviewerId !== reader.subject;
}

/**
 * Whether a counselor who may read the set may take the action on it at all: the set's counselor;
 * a second review, any reader (its first reviewer is refused once the set awaits it); a retraction
 * or a reply to a contest, whoever holds the person's caseload now, so that a person who moved is
 * not left with a published set nobody can take back, nor with a contest nobody answers.
 */
export function mayTakeAction(action: SetAction, set: RecommendationSet, reader: SetReader): boolean {
  if (action === 'second_review' || action === 'retract' || action === 'reply_to_contest') return true;
  return set.counselorId === reader.subject;
}

/**
 * Whether the reader's read of the set records their reading for its second review: a read of a set
 * awaiting it, by a counselor who may give it (not its first reviewer), who has not read it so yet.
 * Its counselor's read of a set handed on records nothing: they reviewed it first.
 */
export function opensSecondReview(set: RecommendationSet, reader: Pick<SetReader, 'subject'>): boolean {
  return (
    set.status === 'awaiting_second_review' &&
    set.secondReview.firstReviewerId !== reader.subject &&
    findSecondReviewRead(set, reader) === undefined
  );
}

/**
 * The reads of the set since it was last handed to its second review (its current round), oldest
 * first: those of an earlier round were of the set as it stood before a return.
 */
export function listCurrentSecondReviewReads(set: RecommendationSet): SecondReviewRead[] {
  return set.secondReview.reads.filter((read) => read.round === set.secondReview.round);
}

/**
 * The reader's own read of the set since it was last handed to its second review; undefined when
 * they have not read it so. Another counselor's read, before or after it, is theirs alone.
 */
export function findSecondReviewRead(
  set: RecommendationSet,
  reader: Pick<SetReader, 'subject'>,
): SecondReviewRead | undefined {
  return listCurrentSecondReviewReads(set).find((read) => read.by === reader.subject);
}

/**
 * Whether the reader read the set since it was handed to its second review, before approving it: a
 * second reviewer approves what they read, not a set whose ETag a refusal gave them. A return needs
 * no read: it releases nothing, and sends the set back to the counselor who reviewed it.
 */
export function hasReadForSecondReview(set: RecommendationSet, reader: Pick<SetReader, 'subject'>): boolean {
  return findSecondReviewRead(set, reader) !== undefined;
}

/** The statuses in which each action can be taken. */
export const ACTION_STATUSES: Readonly<Record<SetAction, readonly SetStatus[]>> = {
  decide_item: ['pending_review'],
  add_item: ['pending_review'],
  order_items: ['pending_review'],
  submit_shortlist: ['awaiting_shortlist'],
  publish: ['pending_review'],
  second_review: ['awaiting_second_review'],
  discard: OPEN_STATUSES,
  retract: ['published'],
  // Contests are of courses given to the person; a retraction since leaves them to answer.
  reply_to_contest: ['published', 'retracted'],
};

/**
 * Why the set as it stands refuses an action to a counselor allowed to take it, whatever they send:
 * its status; for a second review, the caller being its first reviewer; for a publication, an item
 * still pending, nothing approved, or an approved course the catalog has withdrawn since.
 */
export type StateRefusal =
  | { kind: 'status'; allowed: readonly SetStatus[] }
  | { kind: 'first_reviewer' }
  | { kind: 'items_pending'; pendingItemIds: string[] }
  | { kind: 'nothing_approved' }
  | { kind: 'withdrawn_approvals'; items: RecommendationItem[] };

/**
 * The first thing, in that order, that makes the set refuse the action: undefined when nothing does.
 * `withdrawnCourseIds`: the set's courses the catalog no longer offers.
 */
export function findStateRefusal(
  action: SetAction,
  set: RecommendationSet,
  reader: Pick<SetReader, 'subject'>,
  withdrawnCourseIds: ReadonlySet<string>,
): StateRefusal | undefined {
  const allowed = ACTION_STATUSES[action];
  if (!allowed.includes(set.status)) return { kind: 'status', allowed };
  if (action === 'second_review' && set.secondReview.firstReviewerId === reader.subject) {
    return { kind: 'first_reviewer' };
  }
  if (action !== 'publish') return undefined;
  const pendingItemIds = set.items.filter((item) => item.decision === 'pending').map((item) => item.id);
  if (pendingItemIds.length > 0) return { kind: 'items_pending', pendingItemIds };
  if (!set.items.some((item) => item.decision === 'approved')) return { kind: 'nothing_approved' };
  const withdrawn = listWithdrawnApprovals(set, withdrawnCourseIds);
  if (withdrawn.length > 0) return { kind: 'withdrawn_approvals', items: withdrawn };
  return undefined;
}

/** The approved items of the set whose course the catalog has withdrawn since. */
export function listWithdrawnApprovals(
  set: RecommendationSet,
  withdrawnCourseIds: ReadonlySet<string>,
): RecommendationItem[] {
  return set.items.filter((item) => item.decision === 'approved' && withdrawnCourseIds.has(item.course.id));
}

/**
 * Whether the action puts the model's output before the person: a publication always; the approval
 * of one of the model's items and a second reviewer's approval (`approves`), not a rejection, a
 * return, nor the approval of the counselor's own item (a blind-first shortlist pick).
 */
export function releasesModelOutput(action: SetAction, approves: boolean): boolean {
  return action === 'publish' || (approves && (action === 'decide_item' || action === 'second_review'));
}

/**
 * Whether the kill switch holds the set back (AI Act Art. 14(4)(e)): a set of the model's
 * suggestions while suggestions are switched off, none of which may be approved, and which may not
 * be published.
 */
export function isHeldBySwitch(set: RecommendationSet, aiEnabled: boolean): boolean {
  return set.model !== null && !aiEnabled;
}

/**
 * Whether the set gives the action something to act on: an item to decide; an approved item to
 * order (the order lists every approved item, one at least); a contest to answer.
 */
function hasTarget(action: SetAction, set: RecommendationSet, context: ActionContext): boolean {
  if (action === 'decide_item') return set.items.length > 0;
  if (action === 'order_items') return set.items.some((item) => item.decision === 'approved');
  if (action === 'reply_to_contest') return context.unansweredContests > 0;
  return true;
}

/** What besides the set and its reader decides what may be done with it now. */
export interface ActionContext {
  now: Date;
  /** The set's courses the catalog no longer offers. */
  withdrawnCourseIds: ReadonlySet<string>;
  /** The kill switch: false while suggestions are switched off. */
  aiEnabled: boolean;
  /** The person's contests of the set's courses no reply answered yet (`SetContests.unanswered`). */
  unansweredContests: number;
}

/**
 * The actions the reader may take on the set now, in `SET_ACTIONS` order: those the review service
 * would accept from them, with the set's current ETag and a fitting request, as long as nothing
 * changes meanwhile. An action listed is one some request can take: a rejection while the kill
 * switch holds the model's items back, a return in a second review.
 */
export function listAllowedActions(
  set: RecommendationSet,
  reader: SetReader,
  context: ActionContext,
): SetAction[] {
  // A set whose lifetime has passed is expired, even before anyone records it.
  const current = viewSetAt(set, context.now);
  if (!maySeeSet(current, reader)) return [];
  return SET_ACTIONS.filter(
    (action) =>
      mayTakeAction(action, current, reader) &&
      findStateRefusal(action, current, reader, context.withdrawnCourseIds) === undefined &&
      !(releasesModelOutput(action, false) && isHeldBySwitch(current, context.aiEnabled)) &&
      hasTarget(action, current, context),
  );
}
