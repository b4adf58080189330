import type { ItemFeedback } from '../recommendations/set-feedback.ts';

/** A job seeker's response to one of their published suggestions. */
export interface Feedback extends ItemFeedback {
  seekerId: string;
}
