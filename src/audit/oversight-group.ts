/**
 * One row of the oversight figures while the events are read (a counselor, model version and
 * week): what it is computed from, found or started by its key, and the row it gives at the end.
 */
import { divideOrNull, roundTo, toSortedCounts } from './event-fields.ts';
import { computeMedian } from './oversight-counting.ts';
import type { OversightRow } from './oversight-figures.ts';
import { noSecondReviews, type SecondReviewTotals, toSecondReviewFigures } from './second-review-totals.ts';

/** What a row is computed from, gathered while the events are read. */
export interface GroupTotals
  extends SecondReviewTotals,
    Pick<
      OversightRow,
      | 'counselor'
      | 'modelId'
      | 'modelVersion'
      | 'week'
      | 'sets'
      | 'items'
      | 'additions'
      | 'reviewedSets'
      | 'blindFirstSets'
      | 'emptyShortlists'
      | 'shortlistsAfterModelSeen'
      | 'publishedItems'
      | 'explanationsOpened'
    > {
  approved: number;
  rejected: number;
  catalogRejections: number;
  decisionSeconds: number[];
  fastDecisions: number;
  timedApprovals: number;
  fastApprovals: number;
  openedFirst: number;
  overlapSum: number;
  overlapCount: number;
  rejectionReasons: Map<string, number>;
  feedback: Map<string, number>;
  closedSessionOverrides: number;
}

/** The row of the key, started with nothing counted the first time it is named. */
export function findGroup(
  groups: Map<string, GroupTotals>,
  key: Pick<GroupTotals, 'counselor' | 'modelId' | 'modelVersion' | 'week'>,
): GroupTotals {
  const id = JSON.stringify([key.counselor, key.modelId, key.modelVersion, key.week]);
  let group = groups.get(id);
  if (group === undefined) {
    // The key's members copied one by one: a row spread from the caller's object cost a year's
    // figures about a third more processor time, in making the rows and in counting into them
    // (record 0009).
    group = {
      counselor: key.counselor,
      modelId: key.modelId,
      modelVersion: key.modelVersion,
      week: key.week,
      sets: 0,
      items: 0,
      approved: 0,
      rejected: 0,
      catalogRejections: 0,
      additions: 0,
      decisionSeconds: [],
      fastDecisions: 0,
      timedApprovals: 0,
      fastApprovals: 0,
      reviewedSets: 0,
      openedFirst: 0,
      blindFirstSets: 0,
      emptyShortlists: 0,
      shortlistsAfterModelSeen: 0,
      overlapSum: 0,
      overlapCount: 0,
      publishedItems: 0,
      explanationsOpened: 0,
      rejectionReasons: new Map(),
      feedback: new Map(),
      closedSessionOverrides: 0,
      ...noSecondReviews(),
    };
    groups.set(id, group);
  }
  return group;
}

/** The row the totals give, once the last event is taken. */
export function toRow(group: GroupTotals): OversightRow {
  const decisions = group.approved + group.rejected;
  const timed = group.decisionSeconds.length;
  return {
    counselor: group.counselor,
    modelId: group.modelId,
    modelVersion: group.modelVersion,
    week: group.week,
    sets: group.sets,
    items: group.items,
    decisions,
    approvalRate: roundTo(divideOrNull(group.approved, decisions), 4),
    rejectionRate: roundTo(divideOrNull(group.rejected, decisions), 4),
    catalogRejections: group.catalogRejections,
    additions: group.additions,
    additionRate: roundTo(divideOrNull(group.additions, decisions + group.additions), 4),
    timedDecisions: timed,
    medianDecisionSeconds: roundTo(computeMedian(group.decisionSeconds), 2),
    fastDecisionShare: roundTo(divideOrNull(group.fastDecisions, timed), 4),
    timedApprovals: group.timedApprovals,
    fastApprovalShare: roundTo(divideOrNull(group.fastApprovals, group.timedApprovals), 4),
    reviewedSets: group.reviewedSets,
    openedBeforeFirstDecisionShare: roundTo(divideOrNull(group.openedFirst, group.reviewedSets), 4),
    blindFirstSets: group.blindFirstSets,
    blindFirstOverlap: roundTo(divideOrNull(group.overlapSum, group.overlapCount), 4),
    emptyShortlists: group.emptyShortlists,
    shortlistsAfterModelSeen: group.shortlistsAfterModelSeen,
    publishedItems: group.publishedItems,
    explanationsOpened: group.explanationsOpened,
    explanationOpenedShare: roundTo(divideOrNull(group.explanationsOpened, group.publishedItems), 4),
    rejectionReasons: toSortedCounts(group.rejectionReasons),
    feedback: toSortedCounts(group.feedback),
    ...toSecondReviewFigures(group),
    closedSessionOverrides: group.closedSessionOverrides,
  };
}
