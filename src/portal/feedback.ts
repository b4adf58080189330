export const FEEDBACK_RESPONSES = ['interested', 'not_interested', 'enrolled'] as const;
export type FeedbackResponse = (typeof FEEDBACK_RESPONSES)[number];

/** A job seeker's response to one of their published suggestions. */
export interface Feedback {
  id: string;
  itemId: string;
  seekerId: string;
  response: FeedbackResponse;
  comment: string | null;
  createdAt: string;
}
