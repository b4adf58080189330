import type { FeedbackResponse, ItemFeedback } from '../recommendations/set-feedback.ts';

/** A job seeker's response to one of their published suggestions. */
export interface Feedback extends ItemFeedback {
  seekerId: string;
}

/** An answer as the person's file keeps it: their export and the access record give it so. */
export interface FeedbackInFile extends Feedback {
  /**
   * For a contest, the id of the counselor's reply that answered it (a reply answers every contest of
   * the course not answered before it); null while none has, and for the other answers.
   */
  answeredBy: string | null;
}

/**
 * How an answer is counted against the limits: a contest apart from the other answers, so that
 * changing one's mind about a course never uses up the right to contest it.
 */
export type FeedbackKind = 'answer' | 'contest';

export function kindOfResponse(response: FeedbackResponse): FeedbackKind {
  return response === 'contest' ? 'contest' : 'answer';
}

/**
 * The most answers of each kind a person may give about one course. A change of mind or a new
 * comment is welcome; a portal retrying in a loop would otherwise store and log without end, and
 * fill the counselor's list with it. Contests have a small limit of their own: the explanation
 * promises the person they may contest, whatever they answered before, and a contest asks the
 * counselor to look again, which a few cover (a new fact): only the contests no reply answered yet
 * count, so that a person whose contests were answered may contest again (record 0021).
 */
export const FEEDBACK_LIMITS: Readonly<Record<FeedbackKind, number>> = { answer: 10, contest: 3 };
