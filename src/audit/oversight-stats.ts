/**
 * The oversight figures computed from the log (DESIGN.md principle 6): the events they read, and the
 * figures of a run of events. Each family is written in its own module: the figures' shape
 * (`oversight-figures.ts`), the tally that reads the events (`oversight-tally.ts`), a set under
 * review and its timed decisions (`set-review.ts`), a row's totals (`oversight-group.ts`), the second
 * reviews (`second-review-totals.ts`, `manual-second-reviews.ts`), the published items' readings and
 * answers (`published-item-readings.ts`) and the counting helpers they share (`oversight-counting.ts`).
 */
import type { DecisionEventType } from '../decision-log/decision-event.ts';
import type { EventContent } from './audit-event-store.ts';
import type { OversightFigures, OversightOptions, OversightRow } from './oversight-figures.ts';
import { OversightTally } from './oversight-tally.ts';

export { OversightTally } from './oversight-tally.ts';

/**
 * The events the oversight figures are computed from (never from the operational tables): the
 * review of a set, over within its lifetime and ended by its publication, discard (a withdrawal or
 * a recall included) or expiry, and then the job seeker's readings of its explanations and answers,
 * which come at any time after publication, until the set is retracted (its items are no longer
 * shown to the person).
 */
export const OVERSIGHT_REVIEW_EVENT_TYPES: readonly DecisionEventType[] = [
  'recommendation.generated',
  'recommendation.created_manually',
  'recommendation.opened',
  'shortlist.submitted',
  'item.decided',
  'item.added',
  'recommendation.published',
  'recommendation.discarded',
  'recommendation.expired',
  'second_review.requested',
  'second_review.completed',
];
export const OVERSIGHT_READING_EVENT_TYPES: readonly DecisionEventType[] = [
  'explanation.opened',
  'feedback.given',
  'recommendation.retracted',
];

/**
 * Computes the oversight figures (DESIGN.md principle 6) from decision-log events in seq order:
 * the sets generated in the period and everything recorded about them afterwards. Events of
 * other types, and events about sets generated outside the period, are ignored.
 */
export async function computeOversightStats(
  events: AsyncIterable<EventContent> | Iterable<EventContent>,
  options: OversightOptions,
): Promise<OversightRow[]> {
  return (await computeOversightReport(events, options)).rows;
}

/**
 * The oversight figures of {@link computeOversightStats}, with the second reviews of the sets made by
 * hand in the period, per second reviewer and week of the set's creation.
 */
export async function computeOversightReport(
  events: AsyncIterable<EventContent> | Iterable<EventContent>,
  options: OversightOptions,
): Promise<OversightFigures> {
  const tally = new OversightTally(options);
  for await (const event of events) tally.add(event);
  return { rows: tally.toRows(), manualSecondReviews: tally.toManualSecondReviewRows() };
}
