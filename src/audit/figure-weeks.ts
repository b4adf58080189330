import { clampToWritableInstant } from '../shared/utc-instant.ts';
import type { AuditPeriod } from './audit-period.ts';
import { DAY_MS, readRecord, startOfIsoWeek, WEEK_MS, weekStartOf } from './event-fields.ts';

/**
 * How long after a week's end it is first given (and so frozen): an event may still land in a week
 * after the reader's clock has passed its end, appended by a process whose clock is a little behind,
 * or (on PostgreSQL) by a transaction stamped before the end and committing after it. A process
 * whose clock is behind by less than this, and any transaction still in flight, has landed its
 * events by then.
 */
export const LATE_EVENTS_MS = 60 * 60 * 1000;

/** What cuts the period of the figures opened from sealed parts. */
export interface FigurePeriodLimits {
  /** `AUDIT_MIN_PEOPLE`: with 1, every figure may be given and the period is kept as asked. */
  minPeople: number;
  /** `RETENTION_LOG_DAYS`: the daily retention deletes the frozen weeks ended before the log period. */
  logDays: number;
}

/**
 * The period the figures opened from sealed parts (attributions, drift, outcomes) are given for,
 * out of the one asked. Each week's figures must rest on enough people on their own: otherwise two
 * periods a person apart (or the same question asked before and after one more suggestion) would
 * give that person's values by subtraction. So the period is cut to the whole weeks (Monday to
 * Monday, UTC) it holds:
 * - ending with the last week over for an hour at least (`LATE_EVENTS_MS`), so that a week is
 *   frozen with every event the log stamps in it;
 * - starting at the first week that starts within the log period: the retention deletes the frozen
 *   weeks ended before it, and a week given again from the log would leave out the people erased
 *   since, whose values would come out by subtraction.
 * With a minimum of one person every figure may be given and nothing is frozen: the period is kept
 * as asked.
 */
export function figurePeriodOf(period: AuditPeriod, now: Date, limits: FigurePeriodLimits): AuditPeriod {
  if (limits.minPeople <= 1) return period;
  // The weeks of a period asked from the last days of 9999, or up to the first days of year 0000, start
  // or end in years no date-time can write: the bound stays at that end of the range, where the period
  // covers nothing all the same (no event of the log lies beyond it).
  const firstWeekFrom = (time: number) => clampToWritableInstant(weekStartOf(time + WEEK_MS - 1));
  const logPeriodStart = firstWeekFrom(now.getTime() - limits.logDays * DAY_MS);
  const from =
    period.from === undefined
      ? logPeriodStart
      : Math.max(firstWeekFrom(Date.parse(period.from)), logPeriodStart);
  const asked =
    period.to === undefined
      ? Number.POSITIVE_INFINITY
      : clampToWritableInstant(weekStartOf(Date.parse(period.to)));
  const to = Math.min(asked, weekStartOf(now.getTime() - LATE_EVENTS_MS));
  if (to >= from) return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  // No whole week is left: the period covers nothing.
  return coverNothing(from, period);
}

/**
 * The period the figures answer for when it covers nothing: one instant, `from` and `to` the same,
 * within the period asked (where the cut starts it, `start`, or where the `to` asked ends it when
 * that comes first: before the log period, say), never after the end asked nor ending before it starts.
 */
export function coverNothing(start: number, asked: AuditPeriod): AuditPeriod {
  const empty = new Date(
    asked.to === undefined ? start : Math.min(start, Date.parse(asked.to)),
  ).toISOString();
  return { from: empty, to: empty };
}

/** The part of an ISO week a row's figures count. */
export interface WeekCovered {
  /** The week's Monday 00:00 UTC, or the period's start when it is later. */
  from: string;
  /**
   * The next Monday 00:00 UTC (excluded), the period's end, or the moment the figures were read,
   * whichever comes first: a week not over yet is counted up to now, not up to a Monday to come.
   */
  to: string;
}

/**
 * Weekly rows (`week`: `2026-W41`), each with the part of its week the period covers: a week the
 * period starts or ends in is counted only in part, and its label alone would pass it for whole. A
 * week still going on when the figures are read (`readAt`) ends there: what comes after is not in it.
 */
export function coverWeeks<R extends { week: string }>(
  rows: readonly R[],
  period: AuditPeriod,
  readAt: string,
): Array<R & WeekCovered> {
  return rows.map((row) => {
    const start = startOfIsoWeek(row.week);
    // The weeks at the ends of the years 0000 to 9999 start or end where no date-time can write.
    const weekFrom = new Date(clampToWritableInstant(start)).toISOString();
    const weekTo = new Date(clampToWritableInstant(start + WEEK_MS)).toISOString();
    const ends = [weekTo, readAt, ...(period.to === undefined ? [] : [period.to])];
    return {
      ...row,
      from: period.from !== undefined && period.from > weekFrom ? period.from : weekFrom,
      to: ends.reduce((earliest, end) => (end < earliest ? end : earliest)),
    };
  });
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

  /** Each week's start (in ms) with its totals. */
  entries(): Array<[number, T]> {
    return [...this.#cells.entries()];
  }

  /** The people of every week, those left out of the figures included (one in several weeks counts once). */
  countPeople(): number {
    return new Set([...this.#cells.values()].flatMap((cell) => [...cell.people])).size;
  }
}

/** The figures whose finished weeks are frozen the first time they are given. */
export type FrozenFigure = 'attributions' | 'drift' | 'outcomes';

/**
 * A figure's totals over one week, row by row (a model version, a source), as they are frozen:
 * counts and sums only, with the number of job seekers they rest on, no person named. Only the
 * rows given are frozen (resting on the minimum of people then in force or more): a row under it
 * would keep in clear the values of a person or two that the log seals under their key, and keep
 * them after their erasure. A row frozen withheld by older code keeps its counts only, without its
 * sums: it counts as not frozen.
 */
export interface FigureWeek<R> {
  rows: R[];
}

/** How a figure's week rows are keyed, given and withheld (see `settleFigureWeek`). */
export interface FigureWeekShape<R, W extends FigureWeek<R>> {
  /** A frozen week as stored, or undefined when it is of another shape. */
  readWeek(totals: unknown): W | undefined;
  /** What a row is a figure of (a model version, a source): one row per key and week. */
  keyOf(row: R): string;
  /** Whether the row carries its sums (a row frozen withheld by older code does not). */
  hasSums(row: R): boolean;
  /**
   * The row as frozen when given under `minPeople`: undefined when it rests on fewer people; a part
   * of it resting on fewer (the employment of the outcomes) is left out.
   */
  givenPart(row: R, minPeople: number): R | undefined;
  /** The row with its counts only: nothing in it is given. */
  withoutSums(row: R): R;
}

/**
 * The week to freeze in place of `frozen` (undefined when nothing is to be added): its rows frozen
 * with their sums, and those of `live` given now under `minPeople` that are not.
 */
export function weekToFreeze<R, W extends FigureWeek<R>>(
  live: W,
  frozen: W | undefined,
  shape: FigureWeekShape<R, W>,
  minPeople: number,
): W | undefined {
  const kept = (frozen?.rows ?? []).filter((row) => shape.hasSums(row));
  const keys = new Set(kept.map((row) => shape.keyOf(row)));
  const added = live.rows
    .filter((row) => !keys.has(shape.keyOf(row)))
    .map((row) => shape.givenPart(row, minPeople))
    .filter((row): row is R => row !== undefined);
  return added.length === 0 ? undefined : { ...(frozen ?? live), rows: [...kept, ...added] };
}

/**
 * A week as it may be given: its rows frozen with their sums as they were frozen, the others as the
 * log stands, without their sums (nothing of them was given, so nothing of them is now: they are
 * withheld, and worked out again at each read until one gives them and freezes them).
 */
export function settleFigureWeek<R, W extends FigureWeek<R>>(
  live: W | undefined,
  frozen: W | undefined,
  shape: FigureWeekShape<R, W>,
): W | undefined {
  const base = frozen ?? live;
  if (base === undefined) return undefined;
  const kept = (frozen?.rows ?? []).filter((row) => shape.hasSums(row));
  const keys = new Set(kept.map((row) => shape.keyOf(row)));
  const rest = (live?.rows ?? []).filter((row) => !keys.has(shape.keyOf(row)));
  return { ...base, rows: [...kept, ...rest.map((row) => shape.withoutSums(row))] };
}

/**
 * A figure's weeks, by their start (in ms), and the job seekers of each row over all of them
 * (by the row's key). The people are counted from the log at each read: a count of people over
 * several weeks cannot be rebuilt from the weeks' own counts without naming them. It only drops as
 * people are erased or object, and gives no value of theirs.
 */
export interface FigureTally<W> {
  weeks: Map<number, W>;
  people: Map<string, number>;
}

/**
 * The rows of the finished weeks frozen with their sums, by week start (ms) and row key: they are
 * given as stored, whatever the log holds now, so the sets behind them are not opened for their
 * totals again, only to tell who the row's people are (see `FigureTally`).
 */
export interface FrozenRows {
  has(weekStart: number, key: string): boolean;
}

/** No row frozen: every set is opened (the unit tests, and a minimum of one person). */
export const NO_FROZEN_ROWS: FrozenRows = { has: () => false };

/** The rows of `stored` (weeks as `listFrozenWeeks` gives them) frozen with their sums. */
export function frozenRowsOf<R, W extends FigureWeek<R>>(
  stored: ReadonlyMap<number, unknown>,
  shape: FigureWeekShape<R, W>,
): FrozenRows {
  const keys = new Map<number, Set<string>>();
  for (const [week, totals] of stored) {
    const rows = (shape.readWeek(totals)?.rows ?? []).filter((row) => shape.hasSums(row));
    keys.set(week, new Set(rows.map((row) => shape.keyOf(row))));
  }
  return { has: (weekStart, key) => keys.get(weekStart)?.has(key) === true };
}

/** A row's totals over one week: how many job seekers they rest on. */
export interface WeekRow {
  people: number;
}

/** The rows of every week, grouped by their key: one figure row each. */
export function groupWeekRows<R>(
  weeks: Iterable<FigureWeek<R>>,
  keyOf: (row: R) => string,
): Map<string, R[]> {
  const groups = new Map<string, R[]>();
  for (const week of weeks) {
    for (const row of week.rows) {
      const key = keyOf(row);
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
  }
  return groups;
}

/**
 * The week rows that may be shown (resting on `minPeople` people or more, the minimum in force now,
 * and carrying their sums: a row not frozen has none), and how many others had someone, but were
 * left out.
 */
export function splitWeekRows<R extends WeekRow>(
  rows: readonly R[],
  minPeople: number,
  hasSums: (row: R) => boolean,
): { shown: R[]; withheldWeeks: number } {
  const shown = rows.filter((row) => hasSums(row) && row.people >= minPeople);
  return { shown, withheldWeeks: rows.filter((row) => row.people > 0 && !shown.includes(row)).length };
}

/** A count summed over week rows. */
export function sumOf<R>(rows: readonly R[], count: (row: R) => number): number {
  return rows.reduce((total, row) => total + count(row), 0);
}

/** The rows of a frozen week as stored, each read by `readRow` (undefined when the week is of another shape). */
export function readFigureWeek<R>(
  totals: unknown,
  readRow: (row: Record<string, unknown>) => R | undefined,
): FigureWeek<R> | undefined {
  const rows = readRecord(totals)?.rows;
  if (!Array.isArray(rows)) return undefined;
  const read = rows.map((row) => {
    const record = readRecord(row);
    return record === undefined ? undefined : readRow(record);
  });
  const kept = read.filter((row): row is R => row !== undefined);
  return kept.length === rows.length ? { rows: kept } : undefined;
}
