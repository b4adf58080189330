/** The period a figures query asks for, read from its `from` and `to` as the contract gives them. */
import { RequestValidationError } from '../http/problem.ts';
import { InvalidInputError } from '../shared/errors.ts';
import { isWritableInstant } from '../shared/utc-instant.ts';
import { type AuditPeriod, PERIOD_ORDER_RULE } from './audit-period.ts';

/** The bounds as the query gives them (date-time text, validated by the contract). */
export interface PeriodQuery {
  from?: string;
  to?: string;
}

/**
 * The period asked, its bounds normalised to the log's own form; bounds asked equal or in the wrong
 * order are refused (422), an instant no clock shows or outside the years 0000 to 9999 in UTC too (400).
 */
export function toPeriod(query: PeriodQuery): AuditPeriod {
  const period: AuditPeriod = {};
  // Normalised to the log's own form (UTC, milliseconds), so that text comparison orders instants.
  if (query.from !== undefined) period.from = toInstant('from', query.from);
  if (query.to !== undefined) period.to = toInstant('to', query.to);
  // Bounds asked apart within one millisecond round up to the same one: a period covering nothing,
  // not one ending before it starts. So the order is checked on the bounds as asked.
  if (query.from !== undefined && query.to !== undefined && !isBefore(String(query.from), String(query.to))) {
    throw new InvalidInputError(PERIOD_ORDER_RULE, { from: String(query.from), to: String(query.to) });
  }
  return period;
}

/** Whether date-time `a` lies before `b`, to the last fractional digit either was written with. */
function isBefore(a: string, b: string): boolean {
  const difference = Date.parse(a) - Date.parse(b);
  if (difference !== 0) return difference < 0;
  const [past, pastB] = [digitsPastMillisecond(a), digitsPastMillisecond(b)];
  const width = Math.max(past.length, pastB.length);
  return past.padEnd(width, '0') < pastB.padEnd(width, '0');
}

/** The fractional digits of a date-time past the third (Date.parse leaves them out). */
function digitsPastMillisecond(text: string): string {
  return /\.\d{3}(\d+)/.exec(text)?.[1] ?? '';
}

/** A fraction of a second with a non-zero digit past the milliseconds (`.0005`, not `.5000`). */
const SUB_MILLISECOND_DIGITS = /\.\d{3}\d*[1-9]/;

/**
 * A date-time the contract accepts but no clock shows (a leap second, 23:59:60) is refused, and so is
 * one whose offset moves it out of the years 0000 to 9999 in UTC (`0000-01-01T00:00:00+01:00`): written
 * `-000001-…` or `+010000-…`, it would no longer compare as text with the log's instants.
 */
function toInstant(name: 'from' | 'to', value: unknown): string {
  const text = String(value);
  // Date.parse cuts digits past the millisecond; an instant finer than the log's lies after the
  // millisecond it falls in, so it takes the next one: `from` (inclusive) then leaves out an event
  // logged in that millisecond, before it, and `to` (exclusive) keeps it.
  const time = Date.parse(text) + (SUB_MILLISECOND_DIGITS.test(text) ? 1 : 0);
  if (Number.isNaN(time)) {
    throw new RequestValidationError([
      { path: `/query/${name}`, message: 'is not an instant this log can compare' },
    ]);
  }
  if (!isWritableInstant(time)) {
    throw new RequestValidationError([
      { path: `/query/${name}`, message: 'falls outside the years 0000 to 9999 once moved to UTC' },
    ]);
  }
  return new Date(time).toISOString();
}
