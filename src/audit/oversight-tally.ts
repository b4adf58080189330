/**
 * The oversight tally: the figures of the model's sets gathered one event at a time, the events of
 * each kind taken into the row of the set's counselor (or second reviewer), model version and week,
 * with the sets made by hand and the published items' readings handed to their own tallies.
 */
import { compareText } from '../shared/compare-text.ts';
import type { EventContent } from './audit-event-store.ts';
import {
  countInto,
  formatIsoWeek,
  readArrayField,
  readNumberField,
  readRecord,
  readStringField,
} from './event-fields.ts';
import { ManualSecondReviewTally } from './manual-second-reviews.ts';
import { countClosedSessions, isInPeriod } from './oversight-counting.ts';
import type { ManualSecondReviewRow, OversightOptions, OversightRow } from './oversight-figures.ts';
import { findGroup, type GroupTotals, toRow } from './oversight-group.ts';
import { PublishedItemReadings } from './published-item-readings.ts';
import { takeSecondReviewInto } from './second-review-totals.ts';
import { markReviewed, type SetState, takeActSeconds, takeDecision } from './set-review.ts';

/**
 * The oversight figures gathered one event at a time, in seq order. A set's review state is held
 * only while its review can still change: once the set is published, discarded (withdrawn or
 * recalled too) or expired, its figures go into its row and the state is dropped, so that a period
 * of any length holds the sets still under review, not every set of the period. Of a published set
 * only its items are kept, with their set, for the readings and answers that come at any time after:
 * each goes into its row as it comes, and the items go when the set is retracted, after which none
 * can come (a retraction changes none of the figures).
 */
export class OversightTally {
  private readonly groups = new Map<string, GroupTotals>();
  private readonly openSets = new Map<string, SetState>();
  /** The published items of the period's sets, for the job seekers' readings and answers. */
  private readonly readings = new PublishedItemReadings();
  /** The second reviews of the period's sets made by hand. */
  private readonly manualSets: ManualSecondReviewTally;

  /**
   * `rowOf` names the row an actor's acts go into: their own pseudonym (the default), or one name for
   * every counselor, whose acts are then counted together as one counselor's are.
   */
  constructor(
    private readonly options: OversightOptions,
    private readonly rowOf: (pseudonym: string) => string = (pseudonym) => pseudonym,
  ) {
    this.manualSets = new ManualSecondReviewTally(options, rowOf);
  }

  /** Sets of the period whose review is not over yet: the only ones whose review state is held. */
  get openSetCount(): number {
    return this.openSets.size;
  }

  /** Items of the period's published sets not retracted: the only ones held for the readings and answers. */
  get publishedItemCount(): number {
    return this.readings.itemCount;
  }

  /** Takes the next event of the log (in seq order) into the figures. */
  add(event: EventContent): void {
    const payload = readRecord(event.payload);
    if (event.type === 'feedback.given') {
      this.readings.takeAnswer(payload);
      return;
    }
    const setId = readStringField(payload, 'setId');
    if (setId === undefined) return;
    if (event.type === 'explanation.opened') {
      this.readings.takeReading(setId, payload);
      return;
    }
    if (event.type === 'recommendation.retracted') {
      this.readings.retract(setId);
      return;
    }
    if (event.type === 'recommendation.generated') {
      this.openSet(event, setId, payload);
      return;
    }
    if (event.type === 'recommendation.created_manually') {
      this.manualSets.openSet(event, setId);
      return;
    }
    if (this.manualSets.take(event, setId, payload)) return;
    const set = this.openSets.get(setId);
    if (set === undefined) return;
    switch (event.type) {
      case 'recommendation.opened':
        set.opened = true;
        set.lastActAt = Math.max(set.lastActAt, Date.parse(event.occurredAt));
        break;
      case 'shortlist.submitted': {
        // Blind-first: the model's items are shown from here on.
        set.lastActAt = Math.max(set.lastActAt, Date.parse(event.occurredAt));
        set.group.blindFirstSets += 1;
        const size = readNumberField(payload, 'shortlistSize');
        const overlap = readNumberField(payload, 'overlap');
        // A shortlist made once the model's suggestions were seen would measure copying, not agreement.
        const seen = payload?.modelSeenBefore === true;
        if (size === 0) set.group.emptyShortlists += 1;
        if (seen) set.group.shortlistsAfterModelSeen += 1;
        if (!seen && size !== undefined && size > 0 && overlap !== undefined) {
          set.group.overlapSum += overlap / size;
          set.group.overlapCount += 1;
        }
        break;
      }
      case 'item.decided':
        takeDecision(set, event.occurredAt, payload, this.options.fastDecisionSeconds);
        if (readStringField(payload, 'decision') === 'approved' && readStringField(payload, 'closedSession'))
          this.takeClosedSessionOverrides(set, this.rowOf(event.actor.pseudonym), 1);
        break;
      case 'second_review.requested':
        this.takeClosedSessionOverrides(set, this.rowOf(event.actor.pseudonym), countClosedSessions(payload));
        break;
      case 'item.added':
        markReviewed(set);
        set.group.additions += 1;
        takeActSeconds(set, event.occurredAt, undefined);
        break;
      case 'recommendation.published': {
        this.takeClosedSessionOverrides(set, this.rowOf(event.actor.pseudonym), countClosedSessions(payload));
        this.closeSet(setId, set);
        const published = new Set(
          readArrayField(payload, 'approvedItemIds').filter((id) => typeof id === 'string'),
        );
        this.readings.publish(setId, set.group, published);
        break;
      }
      case 'second_review.completed':
        this.takeSecondReview(set, this.rowOf(event.actor.pseudonym), payload);
        break;
      case 'recommendation.discarded':
      case 'recommendation.expired':
        this.closeSet(setId, set);
        break;
      default:
        break;
    }
  }

  /** The rows, sorted by week, counselor and model, once the last event is taken. */
  toRows(): OversightRow[] {
    for (const [setId, set] of this.openSets) this.closeSet(setId, set);
    return [...this.groups.values()]
      .sort(
        (a, b) =>
          compareText(a.week, b.week) ||
          compareText(a.counselor, b.counselor) ||
          compareText(a.modelId, b.modelId),
      )
      .map(toRow);
  }

  /**
   * The second reviews of the sets made by hand, sorted by week and counselor, once the last event is
   * taken.
   */
  toManualSecondReviewRows(): ManualSecondReviewRow[] {
    return this.manualSets.toRows();
  }

  /**
   * Closed-session warnings gone past in an act on the set, counted in the row of whoever made it
   * (its counselor, or its second reviewer publishing it) for the set's model version and week.
   */
  private takeClosedSessionOverrides(set: SetState, actor: string, count: number): void {
    if (count === 0) return;
    const { modelId, modelVersion, week } = set.group;
    findGroup(this.groups, { counselor: actor, modelId, modelVersion, week }).closedSessionOverrides += count;
  }

  private openSet(event: EventContent, setId: string, payload: Record<string, unknown> | undefined): void {
    if (!isInPeriod(event.occurredAt, this.options)) return;
    const model = readRecord(payload?.model);
    const group = findGroup(this.groups, {
      counselor: this.rowOf(event.actor.pseudonym),
      modelId: readStringField(model, 'id') ?? 'unknown',
      modelVersion: readStringField(model, 'version') ?? 'unknown',
      week: formatIsoWeek(event.occurredAt),
    });
    group.sets += 1;
    group.items += readArrayField(payload, 'items').length;
    this.openSets.set(setId, {
      group,
      opened: false,
      reviewed: false,
      lastActAt: Date.parse(event.occurredAt),
      decisions: new Map(),
      rejectionReasons: new Map(),
    });
  }

  /**
   * A second review goes into the second reviewer's row for the set's model version and week, timed
   * as the publication service measured it. It is no act of the set's counselor: the time of their
   * next decision is the one the review service measured, from the return.
   */
  private takeSecondReview(
    set: SetState,
    reviewer: string,
    payload: Record<string, unknown> | undefined,
  ): void {
    const decision = readStringField(payload, 'decision');
    if (decision !== 'approve' && decision !== 'return') return;
    const { modelId, modelVersion, week } = set.group;
    const group = findGroup(this.groups, { counselor: reviewer, modelId, modelVersion, week });
    takeSecondReviewInto(group, payload, this.options.fastDecisionSeconds);
  }

  /** The set's review is over: its items' last decisions go into its row, and its state goes. */
  private closeSet(setId: string, set: SetState): void {
    for (const decision of set.decisions.values()) {
      if (decision === 'approved') set.group.approved += 1;
      else if (decision === 'rejected') set.group.rejected += 1;
      else if (decision === 'catalog') set.group.catalogRejections += 1;
    }
    for (const reasonCode of set.rejectionReasons.values()) countInto(set.group.rejectionReasons, reasonCode);
    this.openSets.delete(setId);
  }
}
