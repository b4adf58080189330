/**
 * Courses kept per set when the counselor asks for no other number: also the number the model card's
 * evaluation and the drift reference keep per person, so that they describe the sets counselors see.
 */
export const DEFAULT_TOP_K = 10;
/** The most courses a set may be asked to keep. */
export const MAX_TOP_K = 50;
