/**
 * What a job seeker may answer about a course published to them; `contest`: the person disagrees
 * with the suggestion and asks their counselor to look at it again.
 */
export type FeedbackResponse = 'interested' | 'not_interested' | 'enrolled' | 'contest';

/** A job seeker's answer about one course of a set, as the counselor reads it. */
export interface ItemFeedback {
  id: string;
  itemId: string;
  response: FeedbackResponse;
  comment: string | null;
  createdAt: string;
}

/** An answer with the course it is about, as the set keeps it (its snapshot, not the catalog now). */
export interface SetFeedbackAnswer extends ItemFeedback {
  courseId: string;
  title: string;
}

/** Where a page of a set's answers starts: after the answer given at `createdAt` with id `id`. */
export interface FeedbackPosition {
  createdAt: string;
  id: string;
}

/** One page of a set's answers: at most `limit`, after `after` when given. */
export interface FeedbackPageRequest {
  limit: number;
  after?: FeedbackPosition;
}

/** Where the answers about a set's courses are read (the portal keeps them). */
export interface SetFeedbackReader {
  /** The answers about the items of set `setId`, oldest first (by time, then id): one page. */
  listForSet(setId: string, page: FeedbackPageRequest): Promise<ItemFeedback[]>;
}
