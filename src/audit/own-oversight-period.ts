/**
 * The period a counselor's own figures cover. Counselors are many and may read their figures from
 * their case-management screen at any time; each read counts every event of the period in the Node
 * process, so the period is bounded: the last few weeks by default, a quarter at most (record 0008).
 */
import { InvalidInputError } from '../shared/errors.ts';
import { pickDefined } from '../shared/pick-defined.ts';
import { isWritableInstant } from '../shared/utc-instant.ts';
import type { AuditPeriod } from './audit-period.ts';

const WEEK_MS = 7 * 86_400_000;

/** The weeks a counselor's own figures cover when no `from` is asked: up to `to`, or up to now. */
export const OWN_FIGURES_DEFAULT_WEEKS = 4;

/** The longest period a counselor's own figures cover in one read. */
export const OWN_FIGURES_MAX_WEEKS = 13;

/**
 * The period asked, with `from` put `OWN_FIGURES_DEFAULT_WEEKS` before its end when not asked; a
 * period longer than `OWN_FIGURES_MAX_WEEKS` (up to now when no `to` is asked) is refused.
 */
export function boundOwnPeriod(period: AuditPeriod, now: Date): AuditPeriod {
  const end = period.to === undefined ? now.getTime() : Date.parse(period.to);
  const defaultFrom = end - OWN_FIGURES_DEFAULT_WEEKS * WEEK_MS;
  // A `to` in the first weeks of year 0000 leaves nothing earlier to read: the period starts with the log.
  const from =
    period.from ?? (isWritableInstant(defaultFrom) ? new Date(defaultFrom).toISOString() : undefined);
  if (from !== undefined && end - Date.parse(from) > OWN_FIGURES_MAX_WEEKS * WEEK_MS) {
    const days = Math.ceil((end - Date.parse(from)) / 86_400_000);
    throw new InvalidInputError(
      `a counselor's own figures cover at most ${OWN_FIGURES_MAX_WEEKS} weeks ` +
        `(${OWN_FIGURES_MAX_WEEKS * 7} days) in one read, and this period spans ${days} days` +
        `${period.to === undefined ? ' up to now' : ''}: ask a later \`from\` or an earlier \`to\`, ` +
        `or leave \`from\` out for the last ${OWN_FIGURES_DEFAULT_WEEKS} weeks`,
      { maxWeeks: OWN_FIGURES_MAX_WEEKS, ...pickDefined({ from, to: period.to }) },
    );
  }
  return from === undefined ? period : { ...period, from };
}
