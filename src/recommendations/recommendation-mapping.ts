import type { components } from '../http/generated/api.ts';
import type { ReviewWarning } from './apply-review-action.ts';
import type { ContestReply } from './contest-reply.ts';
import {
  areItemsHidden,
  type CourseSnapshot,
  describeDiscard,
  isSecondReviewDrawTold,
  type RecommendationItem,
  type SetView,
} from './recommendation.ts';
import type { SetSummary } from './recommendation-store.ts';
import { findSecondReviewRead, listCurrentSecondReviewReads } from './set-actions.ts';

type SetBody = components['schemas']['RecommendationSet'];
type ItemBody = components['schemas']['RecommendationItem'];
type SummaryBody = components['schemas']['RecommendationSetSummary'];
type CourseSummaryBody = components['schemas']['CourseSummary'];
type ContestReplyBody = components['schemas']['ContestReply'];

/** A reply to contests as the person, and their access record, read it: what and when, not who. */
export function toContestReplyBody(reply: ContestReply): ContestReplyBody {
  return { id: reply.id, itemId: reply.itemId, message: reply.message, createdAt: reply.createdAt };
}

/**
 * The set as counselors see it, each item saying whether the person would read its course as still
 * available (the portal's rule: `findCourseOffers`), with
 * what the counselor it is shown to may do with it now; the model's items stay hidden while a
 * blind-first shortlist is awaited, and after the set ended without one (`areItemsHidden`), and
 * whether it goes to a second review until its counselor asks to publish it (`isSecondReviewDrawTold`).
 */
export function toSetBody(
  { set, readerId, unavailableItemIds, allowedActions, caveats, contests }: SetView,
  warnings: ReviewWarning[] = [],
): SetBody {
  const itemsHidden = areItemsHidden(set);
  return {
    id: set.id,
    seekerId: set.seekerId,
    counselorId: set.counselorId,
    status: set.status,
    model: set.model,
    attributionMethod: set.attributionMethod,
    createdAt: set.createdAt,
    expiresAt: set.expiresAt,
    openedAt: set.openedAt,
    publishedAt: set.publishedAt,
    version: set.version,
    noCandidateReason: set.noCandidateReason,
    message: set.message,
    discardReason: set.discardReason,
    ...describeDiscard(set),
    retraction: set.retraction === null ? null : { ...set.retraction },
    replacedBy: set.replacedBy === null ? null : { ...set.replacedBy },
    secondReview: {
      // Told when its counselor asks to publish it, not before (record 0003).
      required: isSecondReviewDrawTold(set) ? set.secondReview.required : null,
      firstReviewerId: set.secondReview.firstReviewerId,
      reviewerId: set.secondReview.reviewerId,
      openedAt: findSecondReviewRead(set, { subject: readerId })?.at ?? null,
      // The current round's: those an approval may rest on.
      reads: listCurrentSecondReviewReads(set).map(({ by, at }) => ({ by, at })),
      returned: set.secondReview.returned === null ? null : { ...set.secondReview.returned },
      approved: set.secondReview.approved === null ? null : { ...set.secondReview.approved },
    },
    shortlist: set.shortlist === null ? null : { ...set.shortlist },
    itemsHidden,
    caveats: [...caveats],
    items: itemsHidden ? [] : set.items.map((item) => toItemBody(item, !unavailableItemIds.has(item.id))),
    allowedActions: [...allowedActions],
    contests: { ...contests },
    ...(warnings.length === 0 ? {} : { warnings }),
  };
}

function toItemBody(item: RecommendationItem, courseAvailable: boolean): ItemBody {
  return {
    itemId: item.id,
    course: toCourseSummaryBody(item.course),
    courseAvailable,
    rank: item.rank,
    displayOrder: item.displayOrder,
    score: item.score,
    source: item.source,
    decision: item.decision,
    reasonCode: item.reasonCode,
    comment: item.comment,
    decidedBy: item.decidedBy,
    decidedAt: item.decidedAt,
    decisionSeconds: item.decisionSeconds,
    addedReason: item.addedReason,
    earlierModelSuggestion: item.earlierModelSuggestion,
    attributions: item.attributions,
    explanation: item.counselorExplanation,
  };
}

/** The course as shown beside a suggestion, to counselors and job seekers alike. */
export function toCourseSummaryBody(course: CourseSnapshot): CourseSummaryBody {
  // The rate is shown to job seekers beside the course, not inside it.
  const { returnToEmploymentRate: _rate, ...summary } = course;
  return summary;
}

export function toSummaryBody(summary: SetSummary): SummaryBody {
  return {
    ...summary,
    replacedBy: summary.replacedBy === null ? null : { ...summary.replacedBy },
    contests: { ...summary.contests },
  };
}
