/**
 * The oversight figures as an auditor reads them: which events of the log they are computed from
 * (the reviews of the period's sets while those sets live, and every reading up to the head), each
 * row with the part of its week the period covers.
 */
import { pickDefined } from '../shared/pick-defined.ts';
import { isWritableInstant } from '../shared/utc-instant.ts';
import type { EventContent } from './audit-event-store.ts';
import { type AuditPeriod, checkPeriod } from './audit-period.ts';
import type { AuditServiceDeps } from './audit-service-deps.ts';
import type { AuditRequest, AuditTrail } from './audit-trail.ts';
import { readArrayField, readNumberField, readRecord, readStringField } from './event-fields.ts';
import { coverWeeks, type WeekCovered } from './figure-weeks.ts';
import type { ManualSecondReviewRow, OversightRow } from './oversight-figures.ts';
import {
  computeOversightReport,
  OVERSIGHT_READING_EVENT_TYPES,
  OVERSIGHT_REVIEW_EVENT_TYPES,
} from './oversight-stats.ts';

export interface OversightReport extends AuditPeriod {
  fastDecisionSeconds: number;
  /** Each with the part of its week the period covers. */
  rows: Array<OversightRow & WeekCovered>;
  manualSecondReviews: Array<ManualSecondReviewRow & WeekCovered>;
}

/**
 * Reliance figures per counselor, model version and ISO week, for the sets generated in the
 * period; `fastDecisionSeconds` defaults to the current setting.
 */
export async function computeOversight(
  deps: Pick<AuditServiceDeps, 'events' | 'log' | 'settings'>,
  trail: AuditTrail,
  request: AuditRequest,
  period: AuditPeriod,
  fastDecisionSeconds?: number,
): Promise<OversightReport> {
  await trail.checkPurpose(request, 'getOversightStats');
  checkPeriod(period);
  const threshold = fastDecisionSeconds ?? (await deps.settings.getSettings()).fastDecisionSeconds;
  const { seq: toSeq } = await deps.log.readHead();
  const { events, reviewsUntil } = await readOversightEvents(deps, period, toSeq);
  const { rows, manualSecondReviews } = await computeOversightReport(events, {
    ...period,
    fastDecisionSeconds: threshold,
  });
  const readAt = await trail.record(
    request,
    'getOversightStats',
    { ...period, fastDecisionSeconds: threshold, reviewsUntil, toSeq },
    rows.length + manualSecondReviews.length,
  );
  return {
    ...period,
    fastDecisionSeconds: threshold,
    rows: coverWeeks(rows, period, readAt),
    manualSecondReviews: coverWeeks(manualSecondReviews, period, readAt),
  };
}

/** The events the oversight figures of a period are computed from, in seq order up to `toSeq`. */
export interface OversightEvents {
  events: AsyncIterable<EventContent>;
  /** Where the reviews of the period's sets are read up to; undefined: up to the head. */
  reviewsUntil: string | undefined;
}

/**
 * The events the oversight figures of the period are computed from, up to `toSeq`: the reviews of the
 * period's sets while those sets live, and every reading and answer up to the head, merged in seq
 * order. Both the auditor's figures and a counselor's own read them so.
 */
export async function readOversightEvents(
  deps: Pick<AuditServiceDeps, 'events' | 'settings'>,
  period: AuditPeriod,
  toSeq: number,
): Promise<OversightEvents> {
  // A set is reviewed while it lives: its reviews are over within its lifetime after the period,
  // or within the lifetime a second review gave it anew. A period ending in the last days of 9999
  // has its reviews end where no date-time can be written: they are read up to the head.
  const reviewsEnd =
    period.to === undefined
      ? undefined
      : Date.parse(period.to) + (await readLongestSetLifetimeHours(deps)) * 3_600_000;
  const reviewsUntil =
    reviewsEnd === undefined || !isWritableInstant(reviewsEnd)
      ? undefined
      : laterOf(new Date(reviewsEnd).toISOString(), await readLatestRenewedExpiry(deps, period.from));
  const { events } = deps;
  const reviews = events.streamContents(
    { types: OVERSIGHT_REVIEW_EVENT_TYPES, ...pickDefined({ from: period.from, to: reviewsUntil }) },
    toSeq,
  );
  // People read their explanations whenever they like: every reading up to the head counts.
  const readings = events.streamContents(
    { types: OVERSIGHT_READING_EVENT_TYPES, ...pickDefined({ from: period.from }) },
    toSeq,
  );
  // In seq order, so that a set's retraction drops its items once the readings before it are taken.
  return { events: inSeqOrder(reviews, readings), reviewsUntil };
}

/**
 * The longest lifetime a set may have had: `setTtlHours` now, or at any time the log recorded
 * a change of it. No set can be opened or decided after it.
 */
async function readLongestSetLifetimeHours(
  deps: Pick<AuditServiceDeps, 'events' | 'settings'>,
): Promise<number> {
  let longest = (await deps.settings.getSettings()).setTtlHours;
  for await (const event of deps.events.streamContents({ types: ['settings.changed'] })) {
    for (const change of readArrayField(readRecord(event.payload), 'changes')) {
      const fields = readRecord(change);
      if (readStringField(fields, 'setting') !== 'setTtlHours') continue;
      for (const hours of [readNumberField(fields, 'from'), readNumberField(fields, 'to')]) {
        if (hours !== undefined) longest = Math.max(longest, hours);
      }
    }
  }
  return longest;
}

/**
 * The latest expiry given anew to a set by a second review (handed to the second reviewer, or
 * returned) since `from`: a set generated in a period may be reviewed until then. Renewals come
 * after the set was generated, so none older than the period's start matters.
 */
async function readLatestRenewedExpiry(
  deps: Pick<AuditServiceDeps, 'events'>,
  from: string | undefined,
): Promise<string | undefined> {
  let latest: string | undefined;
  const renewals = deps.events.streamContents({
    types: ['second_review.requested', 'second_review.completed'],
    ...pickDefined({ from }),
  });
  for await (const event of renewals) {
    const expiresAt = readStringField(readRecord(event.payload), 'expiresAt');
    latest = latest === undefined ? expiresAt : laterOf(latest, expiresAt);
  }
  return latest;
}

/** The events of two streams, each in seq order, merged in seq order. */
async function* inSeqOrder<T extends { seq: number }>(
  a: AsyncIterable<T>,
  b: AsyncIterable<T>,
): AsyncIterable<T> {
  const left = a[Symbol.asyncIterator]();
  const right = b[Symbol.asyncIterator]();
  let nextLeft = await left.next();
  let nextRight = await right.next();
  while (nextLeft.done !== true || nextRight.done !== true) {
    if (nextRight.done === true || (nextLeft.done !== true && nextLeft.value.seq < nextRight.value.seq)) {
      yield nextLeft.value;
      nextLeft = await left.next();
    } else {
      yield nextRight.value;
      nextRight = await right.next();
    }
  }
}

/** The later of two ISO 8601 instants; `a` when `b` is missing. */
function laterOf(a: string, b: string | undefined): string {
  return b !== undefined && Date.parse(b) > Date.parse(a) ? b : a;
}
