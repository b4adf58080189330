/**
 * The second reviews a counselor gave, counted and timed while the events are read, and the figures
 * they give: shared by the model's sets and the sets made by hand.
 */
import { divideOrNull, readNumberField, readStringField, roundTo } from './event-fields.ts';
import { computeMedian } from './oversight-counting.ts';
import type { SecondReviewFigures } from './oversight-figures.ts';

/** A second reviewer's acts, gathered while the events are read. */
export interface SecondReviewTotals {
  secondReviewApprovals: number;
  secondReviewReturns: number;
  secondReviewSeconds: number[];
  fastSecondReviews: number;
  timedSecondReviewApprovals: number;
  fastSecondReviewApprovals: number;
}

export function noSecondReviews(): SecondReviewTotals {
  return {
    secondReviewApprovals: 0,
    secondReviewReturns: 0,
    secondReviewSeconds: [],
    fastSecondReviews: 0,
    timedSecondReviewApprovals: 0,
    fastSecondReviewApprovals: 0,
  };
}

/**
 * A second review (`second_review.completed`) counted into a reviewer's totals, timed by the
 * `secondsSinceOpened` the publication service measured: untimed when it is missing or unknown.
 */
export function takeSecondReviewInto(
  totals: SecondReviewTotals,
  payload: Record<string, unknown> | undefined,
  fastDecisionSeconds: number,
): void {
  const decision = readStringField(payload, 'decision');
  if (decision === 'approve') totals.secondReviewApprovals += 1;
  else if (decision === 'return') totals.secondReviewReturns += 1;
  else return;
  const seconds = readNumberField(payload, 'secondsSinceOpened');
  if (seconds === undefined || seconds < 0) return;
  totals.secondReviewSeconds.push(seconds);
  // At most the threshold, as for a decision.
  const fast = seconds <= fastDecisionSeconds;
  if (fast) totals.fastSecondReviews += 1;
  if (decision !== 'approve') return;
  totals.timedSecondReviewApprovals += 1;
  if (fast) totals.fastSecondReviewApprovals += 1;
}

/** The figures the totals give, once the last event is taken. */
export function toSecondReviewFigures(totals: SecondReviewTotals): SecondReviewFigures {
  const timed = totals.secondReviewSeconds.length;
  return {
    secondReviewApprovals: totals.secondReviewApprovals,
    secondReviewReturns: totals.secondReviewReturns,
    timedSecondReviews: timed,
    medianSecondReviewSeconds: roundTo(computeMedian(totals.secondReviewSeconds), 2),
    fastSecondReviewShare: roundTo(divideOrNull(totals.fastSecondReviews, timed), 4),
    timedSecondReviewApprovals: totals.timedSecondReviewApprovals,
    fastSecondReviewApprovalShare: roundTo(
      divideOrNull(totals.fastSecondReviewApprovals, totals.timedSecondReviewApprovals),
      4,
    ),
  };
}
