import { clampToWritableInstant } from '../shared/utc-instant.ts';
import type { AuditPeriod } from './audit-service.ts';
import { WEEK_MS, weekStartOf } from './event-fields.ts';

/**
 * The period the figures opened from sealed parts (attributions, drift) are given for, out of the
 * one asked. Each week's figures must rest on enough people on their own: otherwise two periods a
 * person apart (or the same question asked before and after one more suggestion) would give that
 * person's values by subtraction. So the period is cut to the whole weeks (Monday to Monday, UTC)
 * it holds, and ends with the last week already over. With a minimum of one person every figure
 * may be given: the period is kept as asked.
 */
export function figurePeriodOf(period: AuditPeriod, now: Date, minPeople: number): AuditPeriod {
  if (minPeople <= 1) return period;
  // The weeks of a period asked from the last days of 9999, or up to the first days of year 0000, start
  // or end in years no date-time can write: the bound stays at that end of the range, where the period
  // covers nothing all the same (no event of the log lies beyond it).
  const from =
    period.from === undefined
      ? undefined
      : clampToWritableInstant(weekStartOf(Date.parse(period.from) + WEEK_MS - 1));
  const asked =
    period.to === undefined
      ? Number.POSITIVE_INFINITY
      : clampToWritableInstant(weekStartOf(Date.parse(period.to)));
  const to = Math.min(asked, weekStartOf(now.getTime()));
  return {
    ...(from === undefined ? {} : { from: new Date(from).toISOString() }),
    to: new Date(Math.max(to, from ?? to)).toISOString(),
  };
}

/** What a week's figures rest on. */
interface WeekCell {
  people: Set<string>;
}

/**
 * Totals kept week by week (by the events' `occurredAt`), so that the weeks resting on fewer
 * people than the minimum can be left out of the figures.
 */
export class WeeklyCells<T extends WeekCell> {
  readonly #cells = new Map<number, T>();

  constructor(private readonly createCell: () => T) {}

  /** The totals of the week `occurredAt` falls in. */
  cellOf(occurredAt: string): T {
    const week = weekStartOf(Date.parse(occurredAt));
    let cell = this.#cells.get(week);
    if (cell === undefined) {
      cell = this.createCell();
      this.#cells.set(week, cell);
    }
    return cell;
  }

  all(): T[] {
    return [...this.#cells.values()];
  }

  /** The people of every week, those left out of the figures included (one in several weeks counts once). */
  countPeople(): number {
    return new Set(this.all().flatMap((cell) => [...cell.people])).size;
  }

  /** A count summed over every week, those left out of the figures included. */
  sum(count: (cell: T) => number): number {
    return this.all().reduce((total, cell) => total + count(cell), 0);
  }

  /** The weeks resting on `minPeople` people or more, and how many others had someone, but fewer. */
  split(minPeople: number): { shown: T[]; withheldWeeks: number } {
    const shown = this.all().filter((cell) => cell.people.size >= minPeople);
    const withheldWeeks = this.all().filter(
      (cell) => cell.people.size > 0 && cell.people.size < minPeople,
    ).length;
    return { shown, withheldWeeks };
  }
}
