/**
 * What the oversight figures are: the period and threshold they are asked for, the row of each
 * counselor, model version and week, and the rows of the second reviews of the sets made by hand.
 */

/** The period and threshold of an oversight report. */
export interface OversightOptions {
  /** Sets generated at or after this instant (ISO 8601, UTC). */
  from?: string;
  /** Sets generated before this instant. */
  to?: string;
  /** Decisions that took this many seconds or less count as fast. */
  fastDecisionSeconds: number;
}

/**
 * How one counselor reviewed the sets one model version generated in one ISO week (the week the
 * set was generated): those generated for them, and those of other counselors they gave the second
 * review of. Rates are null when there is nothing to divide by.
 */
export interface OversightRow {
  /** The counselor's pseudonym: the actor who requested the sets, or who gave their second review. */
  counselor: string;
  modelId: string;
  modelVersion: string;
  /** `2026-W48`. */
  week: string;
  sets: number;
  /** Items the model suggested in those sets. */
  items: number;
  /**
   * Model items with a decision (the last one counts when a counselor changed their mind), rejections
   * forced by the catalog left out: they are no judgement on the model.
   */
  decisions: number;
  approvalRate: number | null;
  rejectionRate: number | null;
  /**
   * Model items whose last decision is a rejection for a course the catalog withdrew
   * (`course_unavailable`): counted here, outside the decisions, the rates and the times.
   */
  catalogRejections: number;
  /** Courses the counselor added. */
  additions: number;
  /** Additions among everything reviewed: additions / (decisions + additions). */
  additionRate: number | null;
  /**
   * Decisions whose time is known (catalog rejections left out), each act timed: an item decided
   * again counts each time, so this may exceed `decisions`, which counts each item's last decision.
   */
  timedDecisions: number;
  /**
   * Median time spent on a decision: seconds since the counselor's previous decision or addition
   * in the same set, or, for the first one, since the set was opened, or since it was generated
   * when the counselor decided straight from the creation answer, which shows every item; never from
   * before a second reviewer's return.
   */
  medianDecisionSeconds: number | null;
  /** Share of timed decisions, approvals and rejections together, that took the threshold or less. */
  fastDecisionShare: number | null;
  /** Approvals among the timed decisions (each act timed, as for `timedDecisions`). */
  timedApprovals: number;
  /**
   * Share of timed approvals that took the threshold or less: the rubber stamp human review is there
   * to prevent, which slow rejections would dilute in `fastDecisionShare` (the alert
   * `AiguillageFastApprovals` watches the same).
   */
  fastApprovalShare: number | null;
  /** Sets with at least one decision or addition. */
  reviewedSets: number;
  /** Share of reviewed sets that were opened before their first decision. */
  openedBeforeFirstDecisionShare: number | null;
  /** Sets where the counselor submitted a shortlist first (blind-first mode). */
  blindFirstSets: number;
  /**
   * Mean share of the counselor's own shortlist that the model also suggested (empty shortlists and
   * those made after the model's suggestions were seen left out).
   */
  blindFirstOverlap: number | null;
  /** Blind-first sets whose shortlist was empty: the model's items seen without a shortlist of one's own. */
  emptyShortlists: number;
  /**
   * Blind-first sets whose shortlist came once the person's suggestions had been shown in another
   * set (`modelSeenBefore`, record 0003): not blind, so out of the overlap.
   */
  shortlistsAfterModelSeen: number;
  /** Items that reached the job seekers: the approved items of published sets, additions included. */
  publishedItems: number;
  /** Published items whose explanation the job seeker read at least once. */
  explanationsOpened: number;
  /** explanationsOpened / publishedItems. */
  explanationOpenedShare: number | null;
  /**
   * How many of the model's items the counselor rejected, by reason code (the last decision counts;
   * catalog rejections left out): `model_output_inappropriate` counts the suggestions counselors
   * took for the model's mistakes.
   */
  rejectionReasons: Record<string, number>;
  /**
   * The job seekers' answers on the published items, by response (each item's last answer):
   * `contest` counts the suggestions whose last answer is a contest, a breakdown of where answers
   * ended; the usage figures' `contests` count every suggestion contested, whatever came after.
   */
  feedback: Record<string, number>;
  /** Second reviews the counselor gave by approving (and so publishing) another counselor's set. */
  secondReviewApprovals: number;
  /** Second reviews the counselor gave by returning the set to its counselor, each return counted. */
  secondReviewReturns: number;
  /**
   * Second reviews whose time is known (`secondsSinceOpened`, from the second reviewer's own reading
   * of the set): a return made unread, or one logged before that field, is untimed.
   */
  timedSecondReviews: number;
  /** Median time from the second reviewer's reading to their approval or return. */
  medianSecondReviewSeconds: number | null;
  /** Share of timed second reviews, approvals and returns together, that took the threshold or less. */
  fastSecondReviewShare: number | null;
  /** Approvals among the timed second reviews. */
  timedSecondReviewApprovals: number;
  /**
   * Share of timed second-review approvals that took the threshold or less: the rubber stamp the
   * second review is there to prevent, which slow returns would dilute in `fastSecondReviewShare`
   * (the alert `AiguillageFastSecondReviewApprovals` watches the same).
   */
  fastSecondReviewApprovalShare: number | null;
  /**
   * Closed-session warnings (`session_unavailable`) the counselor went past on these sets: each
   * approval of an item whose session was closed (`item.decided`'s `closedSession`), and each such
   * approved item in a hand-over to a second review or a publication they made (`closedSessions`), a
   * second reviewer's publication included; each act counted.
   */
  closedSessionOverrides: number;
}

/**
 * The second reviews one counselor gave the sets made by hand (the manual path, no model) created in
 * one ISO week: counted apart from the model's sets, having no model version to go under, timed as
 * those of the model's sets are.
 */
export type ManualSecondReviewRow = Pick<OversightRow, 'counselor' | 'week' | 'closedSessionOverrides'> &
  SecondReviewFigures;

/** The figures of a counselor's second reviews, in a row of the model's sets or of the sets made by hand. */
export type SecondReviewFigures = Pick<
  OversightRow,
  | 'secondReviewApprovals'
  | 'secondReviewReturns'
  | 'timedSecondReviews'
  | 'medianSecondReviewSeconds'
  | 'fastSecondReviewShare'
  | 'timedSecondReviewApprovals'
  | 'fastSecondReviewApprovalShare'
>;

/** The oversight figures: the model's sets, by model version, and the second reviews of the sets made by hand. */
export interface OversightFigures {
  rows: OversightRow[];
  manualSecondReviews: ManualSecondReviewRow[];
}
