import { type JobSeekerReason, toPercent, writeEstimatedChance } from '../model/explanations.ts';
import {
  type CourseSnapshot,
  findReasonCode,
  type ItemSource,
  isOpen,
  type ProfileSnapshot,
  type RecommendationItem,
  type RecommendationSet,
  type SetStatus,
} from '../recommendations/recommendation.ts';

/**
 * One set of suggestions made about the person, as their data export shows it: the record of what
 * was done with their file, not advice. A set still under review shows no items and no profile,
 * since nothing the model produced reaches the person before a counselor has reviewed it.
 */
export interface MySuggestionSet {
  id: string;
  status: SetStatus;
  createdAt: string;
  madeBy: 'model' | 'counselor';
  model: { id: string; version: string } | null;
  publishedAt: string | null;
  closedAt: string | null;
  /** The counselor's message, for a published set. */
  message: string | null;
  /** The counselor's reason, or the application's for a withdrawal, for a discarded set. */
  discardReason: string | null;
  /**
   * The last time a second counselor sent the set back to the person's counselor, with their
   * comment: part of what was done with the file (GDPR Art. 15), shown once the review is over, as
   * the items are. Who sent it back is left out, as for every decision in the record.
   */
  secondReviewReturn: { at: string; comment: string | null } | null;
  profileUsed: ProfileSnapshot | null;
  items: MySuggestionItem[];
}

/** One course of a set whose review is over, and what the counselor did with it. */
export interface MySuggestionItem {
  itemId: string;
  course: CourseSnapshot;
  suggestedBy: ItemSource;
  /** `not_decided` when the set was discarded or expired before the counselor decided. */
  decision: 'approved' | 'rejected' | 'not_decided';
  rejection: { reasonCode: string; reason: string; comment: string | null } | null;
  addedReason: string | null;
  modelEstimate: MyModelEstimate | null;
}

/** What the model estimated, told as the counselor read it and as the person's explanation words it: never a raw score. */
export interface MyModelEstimate {
  returnToEmploymentPercent: number;
  statement: string;
  reasons: JobSeekerReason[];
}

/** The record of one set for its person. */
export function toMySuggestionSet(set: RecommendationSet): MySuggestionSet {
  const reviewed = !isOpen(set);
  return {
    id: set.id,
    status: set.status,
    createdAt: set.createdAt,
    madeBy: set.model === null ? 'counselor' : 'model',
    model: set.model === null ? null : { id: set.model.id, version: set.model.version },
    publishedAt: set.publishedAt,
    closedAt: set.closedAt,
    message: set.status === 'published' ? set.message : null,
    discardReason: set.status === 'discarded' ? set.discardReason : null,
    secondReviewReturn:
      reviewed && set.secondReview.returned !== null
        ? { at: set.secondReview.returned.at, comment: set.secondReview.returned.comment }
        : null,
    profileUsed: reviewed ? set.profileSnapshot : null,
    items: reviewed ? set.items.map(toMySuggestionItem) : [],
  };
}

function toMySuggestionItem(item: RecommendationItem): MySuggestionItem {
  return {
    itemId: item.id,
    course: item.course,
    suggestedBy: item.source,
    decision: item.decision === 'pending' ? 'not_decided' : item.decision,
    rejection:
      item.decision === 'rejected' && item.reasonCode !== null
        ? {
            reasonCode: item.reasonCode,
            // A code no longer in the published list is shown as it was recorded.
            reason: findReasonCode(item.reasonCode)?.label ?? item.reasonCode,
            comment: item.comment,
          }
        : null,
    addedReason: item.addedReason,
    modelEstimate:
      item.source === 'model' && item.score !== null
        ? {
            returnToEmploymentPercent: toPercent(item.score),
            statement: writeEstimatedChance(item.score),
            // Stored with the suggestion when it was made, never recomputed.
            reasons: item.seekerExplanation.reasons,
          }
        : null,
  };
}
