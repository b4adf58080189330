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

/** Where the answers about a set's courses are read (the portal keeps them). */
export interface SetFeedbackReader {
  /** The answers about the items of set `setId`, oldest first. */
  listForSet(setId: string): Promise<ItemFeedback[]>;
}
