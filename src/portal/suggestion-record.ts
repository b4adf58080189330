import {
  type CourseSnapshot,
  type EarlierModelSuggestion,
  type ItemSource,
  isOpen,
  labelReasonCode,
  type ProfileSnapshot,
  type RecommendationItem,
  type RecommendationSet,
  type SetReplacement,
  type SetStatus,
  viewSetAt,
} from '../recommendations/recommendation.ts';
import { tellSetReasonToPerson } from '../recommendations/withdrawal-reasons.ts';

/**
 * One set of suggestions made about the person, as their data export shows it: the record of what
 * was done with their file, not advice. Nothing the model produced reaches the person without a
 * counselor's act on it (DESIGN principle 1), so a set still under review shows no items and no
 * profile, a closed set shows the courses a counselor decided on or added and only counts those
 * never decided, and no item shows the model's estimate or reasons (the approved ones of a
 * published set are explained in the portal).
 */
export interface MySuggestionSet {
  id: string;
  status: SetStatus;
  createdAt: string;
  madeBy: 'model' | 'counselor';
  model: { id: string; version: string } | null;
  publishedAt: string | null;
  closedAt: string | null;
  /** The counselor's message, for a set that was published (retracted since or not). */
  message: string | null;
  /**
   * The counselor's reason as they wrote it, or the application's for a withdrawal, told to the
   * person in the second person (`tellSetReasonToPerson`), for a discarded set.
   */
  discardReason: string | null;
  /**
   * For a set published and then taken back (by the counselor, or by an admin recalling the model
   * that made it): when, and the reason, a recall's told to the person (`tellSetReasonToPerson`). Who is
   * left out, as for every decision in the record.
   */
  retraction: { at: string; reason: string } | null;
  /**
   * For a published set a later one took the place of in the person's portal: that set and when it
   * was published. The set's suggestions stay the person's (their export lists them).
   */
  replacedBy: SetReplacement | null;
  /**
   * The last time a second counselor sent the set back to the person's counselor, with their
   * comment: part of what was done with the file (GDPR Art. 15), shown once the review is over, as
   * the items are. Who sent it back is left out, as for every decision in the record.
   */
  secondReviewReturn: { at: string; comment: string | null } | null;
  /**
   * When a second counselor approved the set, which gave it to the person, with their comment to
   * its counselor, as the return's: who approved it is left out.
   */
  secondReviewApproval: { at: string; comment: string | null } | null;
  profileUsed: ProfileSnapshot | null;
  items: MySuggestionItem[];
  /**
   * The model's suggestions of a closed set that no counselor decided on: counted, not shown. The
   * counselor's blind-first shortlist picks left undecided are neither shown nor counted.
   */
  undecidedSuggestions: number;
}

/** One course of a set whose review is over, and what the counselor did with it. */
export interface MySuggestionItem {
  itemId: string;
  course: CourseSnapshot;
  suggestedBy: ItemSource;
  decision: 'approved' | 'rejected';
  /** The comment the counselor wrote with an approval, kept in the person's file as a rejection's is. */
  approval: { comment: string | null } | null;
  rejection: { reasonCode: string; reason: string; comment: string | null } | null;
  addedReason: string | null;
  /** For an addition: where and when the model had suggested the same course to the person. */
  earlierModelSuggestion: EarlierModelSuggestion | null;
}

/**
 * The record of one set for its person, as of `now`: a set whose lifetime has passed is shown
 * expired (at the end of its lifetime) even when nobody has read it since.
 */
export function toMySuggestionSet(stored: RecommendationSet, now: Date): MySuggestionSet {
  const set = viewSetAt(stored, now);
  const reviewed = !isOpen(set);
  const decided = reviewed ? set.items.filter(isDecided) : [];
  return {
    id: set.id,
    status: set.status,
    createdAt: set.createdAt,
    madeBy: set.model === null ? 'counselor' : 'model',
    model: set.model === null ? null : { id: set.model.id, version: set.model.version },
    publishedAt: set.publishedAt,
    closedAt: set.closedAt,
    message: set.publishedAt === null ? null : set.message,
    discardReason:
      set.status === 'discarded' && set.discardReason !== null
        ? tellSetReasonToPerson(set.discardReason)
        : null,
    retraction:
      set.retraction === null
        ? null
        : { at: set.retraction.at, reason: tellSetReasonToPerson(set.retraction.reason) },
    replacedBy: set.replacedBy === null ? null : { ...set.replacedBy },
    secondReviewReturn:
      reviewed && set.secondReview.returned !== null
        ? { at: set.secondReview.returned.at, comment: set.secondReview.returned.comment }
        : null,
    // An approval ends the review: no set under review holds one.
    secondReviewApproval:
      set.secondReview.approved === null
        ? null
        : { at: set.secondReview.approved.at, comment: set.secondReview.approved.comment },
    profileUsed: reviewed ? set.profileSnapshot : null,
    items: decided.map(toMySuggestionItem),
    undecidedSuggestions: reviewed ? set.items.filter(isUndecidedModelSuggestion).length : 0,
  };
}

type DecidedItem = RecommendationItem & { decision: 'approved' | 'rejected' };

function isDecided(item: RecommendationItem): item is DecidedItem {
  return item.decision !== 'pending';
}

/**
 * Counted in the record: the model's suggestions nobody decided on. A blind-first shortlist pick left
 * pending was named by the counselor for themselves and never proposed to the person (record 0003).
 */
function isUndecidedModelSuggestion(item: RecommendationItem): boolean {
  return item.source === 'model' && item.decision === 'pending';
}

function toMySuggestionItem(item: DecidedItem): MySuggestionItem {
  return {
    itemId: item.id,
    course: item.course,
    suggestedBy: item.source,
    decision: item.decision,
    approval: item.decision === 'approved' ? { comment: item.comment } : null,
    rejection:
      item.decision === 'rejected' && item.reasonCode !== null
        ? {
            reasonCode: item.reasonCode,
            reason: labelReasonCode(item.reasonCode),
            comment: item.comment,
          }
        : null,
    addedReason: item.addedReason,
    earlierModelSuggestion: item.earlierModelSuggestion,
  };
}
