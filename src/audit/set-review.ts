/**
 * A model's set while its review is not over: the state its next events may still change, and the
 * counselor's decisions on it, each timed from their previous act.
 */
import { COURSE_UNAVAILABLE_REASON } from '../recommendations/recommendation.ts';
import { readNumberField, readStringField } from './event-fields.ts';
import type { GroupTotals } from './oversight-group.ts';

/** A set whose review is not over: what its next events may still change. */
export interface SetState {
  group: GroupTotals;
  opened: boolean;
  reviewed: boolean;
  /** When the counselor last acted on the set or first saw it (ms), for the time of the next act. */
  lastActAt: number;
  /** Each item's last decision: `approved`, `rejected`, or `catalog` for a catalog rejection. */
  decisions: Map<string, string>;
  /** The reason code of each item whose last decision is a rejection by the counselor. */
  rejectionReasons: Map<string, string>;
}

/** The set's first decision or addition makes it reviewed, opened before it or not. */
export function markReviewed(set: SetState): void {
  if (set.reviewed) return;
  set.reviewed = true;
  set.group.reviewedSets += 1;
  if (set.opened) set.group.openedFirst += 1;
}

/**
 * A decision on an item of the set: the item's last decision and rejection reason, and the time it
 * took in the set's row, fast when it took `fastDecisionSeconds` or less.
 */
export function takeDecision(
  set: SetState,
  occurredAt: string,
  payload: Record<string, unknown> | undefined,
  fastDecisionSeconds: number,
): void {
  markReviewed(set);
  if (readStringField(payload, 'source') === 'counselor') {
    // Rejecting their own addition is no judgement of the model: an act the time of the next
    // decision counts from, as the addition itself, not a decision in the figures.
    takeActSeconds(set, occurredAt, payload);
    return;
  }
  const itemId = readStringField(payload, 'itemId');
  const decision = readStringField(payload, 'decision');
  // The catalog's doing, not the counselor's judgement of the model; still an act that the
  // time of the next decision counts from.
  const forcedByCatalog =
    decision === 'rejected' && readStringField(payload, 'reasonCode') === COURSE_UNAVAILABLE_REASON;
  if (itemId !== undefined && decision !== undefined) {
    set.decisions.set(itemId, forcedByCatalog ? 'catalog' : decision);
    const reasonCode = readStringField(payload, 'reasonCode');
    if (decision === 'rejected' && !forcedByCatalog && reasonCode !== undefined) {
      set.rejectionReasons.set(itemId, reasonCode);
    } else {
      set.rejectionReasons.delete(itemId);
    }
  }
  const spent = takeActSeconds(set, occurredAt, payload);
  if (spent !== undefined && !forcedByCatalog) {
    set.group.decisionSeconds.push(spent);
    // At most the threshold, as the `le` bucket of the decision-time histogram on /metrics counts it.
    const fast = spent <= fastDecisionSeconds;
    if (fast) set.group.fastDecisions += 1;
    if (decision === 'approved') {
      set.group.timedApprovals += 1;
      if (fast) set.group.fastApprovals += 1;
    }
  }
}

/** The field of `item.decided` with the time the review service measured. */
const MEASURED_SECONDS = 'secondsSincePreviousAct';

/**
 * The seconds an act took: since the counselor's previous act on the set, or since they first saw
 * it (opened, or generated and answered in full); undefined when unknown. A decision logs the time
 * the service measured (`secondsSincePreviousAct`, null when its clock read earlier than at the
 * previous act): the log's own times hold still while a clock is behind (record 0004), so their gap
 * would read 0 s, a fast decision. Events logged before that field are timed by the gap between
 * their times, unknown when it is negative (a clock set back) or a time is unreadable.
 */
export function takeActSeconds(
  set: SetState,
  occurredAt: string,
  payload: Record<string, unknown> | undefined,
): number | undefined {
  const at = Date.parse(occurredAt);
  const previous = set.lastActAt;
  if (!Number.isNaN(at) && !Number.isNaN(previous)) set.lastActAt = Math.max(previous, at);
  if (payload !== undefined && Object.hasOwn(payload, MEASURED_SECONDS)) {
    const measured = readNumberField(payload, MEASURED_SECONDS);
    return measured !== undefined && measured >= 0 ? measured : undefined;
  }
  if (Number.isNaN(at) || Number.isNaN(previous) || at < previous) return undefined;
  return (at - previous) / 1000;
}
