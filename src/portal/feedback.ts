import type { ItemFeedback } from '../recommendations/set-feedback.ts';

/** A job seeker's response to one of their published suggestions. */
export interface Feedback extends ItemFeedback {
  seekerId: string;
}

/**
 * The most answers a person may give about one course. A change of mind or a new comment is
 * welcome; a portal retrying in a loop would otherwise store and log without end, and fill the
 * counselor's list with it.
 */
export const MAX_ANSWERS_PER_ITEM = 10;
