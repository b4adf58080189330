/**
 * The second reviews of the sets made by hand (the manual path, no model), per second reviewer and
 * week of the set's creation: counted apart from the model's sets, timed as theirs are.
 */

import { compareText } from '../shared/compare-text.ts';
import type { EventContent } from './audit-event-store.ts';
import { formatIsoWeek, readStringField } from './event-fields.ts';
import { countClosedSessions, isInPeriod } from './oversight-counting.ts';
import type { ManualSecondReviewRow, OversightOptions } from './oversight-figures.ts';
import {
  noSecondReviews,
  type SecondReviewTotals,
  takeSecondReviewInto,
  toSecondReviewFigures,
} from './second-review-totals.ts';

/** A second reviewer's acts on the sets made by hand of one week. */
type ManualGroup = SecondReviewTotals & { counselor: string; week: string; closedSessionOverrides: number };

/** The second reviews of the period's sets made by hand, gathered one event at a time, in seq order. */
export class ManualSecondReviewTally {
  /** The period's sets made by hand still open, with the ISO week of their creation. */
  private readonly manualSets = new Map<string, string>();
  /** The second reviews of those sets, by reviewer and week. */
  private readonly manualGroups = new Map<string, ManualGroup>();
  /** Of those sets, who approved each in its second review: the publication that follows is theirs. */
  private readonly manualApprovers = new Map<string, string>();

  /** `rowOf` names the row a reviewer's acts go into (see `OversightTally`). */
  constructor(
    private readonly options: OversightOptions,
    private readonly rowOf: (pseudonym: string) => string = (pseudonym) => pseudonym,
  ) {}

  /** A set made by hand (`recommendation.created_manually`): held when created in the period. */
  openSet(event: EventContent, setId: string): void {
    if (isInPeriod(event.occurredAt, this.options))
      this.manualSets.set(setId, formatIsoWeek(event.occurredAt));
  }

  /**
   * An event about a set: taken, and true, when the set is one made by hand the period holds; false
   * otherwise, the event left for the model's sets.
   */
  take(event: EventContent, setId: string, payload: Record<string, unknown> | undefined): boolean {
    const week = this.manualSets.get(setId);
    if (week === undefined) return false;
    this.takeManualSetEvent(event, setId, week, payload);
    return true;
  }

  /**
   * The second reviews of the sets made by hand, sorted by week and counselor, once the last event is
   * taken.
   */
  toRows(): ManualSecondReviewRow[] {
    return [...this.manualGroups.values()]
      .sort((a, b) => compareText(a.week, b.week) || compareText(a.counselor, b.counselor))
      .map((group) => ({
        counselor: group.counselor,
        week: group.week,
        ...toSecondReviewFigures(group),
        closedSessionOverrides: group.closedSessionOverrides,
      }));
  }

  /**
   * An event about a set made by hand: a second review goes into its reviewer's row of the set's
   * week; the set's end (published, discarded, expired) drops it, after which no review can come.
   */
  private takeManualSetEvent(
    event: EventContent,
    setId: string,
    week: string,
    payload: Record<string, unknown> | undefined,
  ): void {
    switch (event.type) {
      case 'second_review.completed': {
        const counselor = this.rowOf(event.actor.pseudonym);
        const id = JSON.stringify([counselor, week]);
        let group = this.manualGroups.get(id);
        if (group === undefined) {
          group = { counselor, week, ...noSecondReviews(), closedSessionOverrides: 0 };
          this.manualGroups.set(id, group);
        }
        takeSecondReviewInto(group, payload, this.options.fastDecisionSeconds);
        if (readStringField(payload, 'decision') === 'approve') this.manualApprovers.set(setId, counselor);
        break;
      }
      case 'recommendation.published': {
        // Published by its second reviewer's approval: a closed session there is theirs to have gone past.
        const approver = this.manualApprovers.get(setId);
        const group =
          approver === this.rowOf(event.actor.pseudonym)
            ? this.manualGroups.get(JSON.stringify([approver, week]))
            : undefined;
        if (group !== undefined) group.closedSessionOverrides += countClosedSessions(payload);
        this.dropManualSet(setId);
        break;
      }
      case 'recommendation.discarded':
      case 'recommendation.expired':
        this.dropManualSet(setId);
        break;
      default:
        break;
    }
  }

  private dropManualSet(setId: string): void {
    this.manualSets.delete(setId);
    this.manualApprovers.delete(setId);
  }
}
