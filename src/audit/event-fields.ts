import { compareText } from '../shared/compare-text.ts';

/**
 * Readers for the members of recorded payloads. Events are read as recorded, without trusting
 * their shape (an old version of a payload, or a tampered row), so a member that is missing or of
 * another type reads as undefined and the statistics leave it out.
 */
export function readRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function readStringField(
  record: Record<string, unknown> | undefined,
  key: string,
): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' ? value : undefined;
}

export function readNumberField(
  record: Record<string, unknown> | undefined,
  key: string,
): number | undefined {
  const value = record?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The number fields named, all of them, or undefined when one is missing or not a finite number. */
export function readNumberFields<K extends string>(
  record: Record<string, unknown> | undefined,
  keys: readonly K[],
): Record<K, number> | undefined {
  const read: Partial<Record<K, number>> = {};
  for (const key of keys) {
    const value = readNumberField(record, key);
    if (value === undefined) return undefined;
    read[key] = value;
  }
  return read as Record<K, number>;
}

export function readArrayField(record: Record<string, unknown> | undefined, key: string): unknown[] {
  const value = record?.[key];
  return Array.isArray(value) ? value : [];
}

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
/** 1970-01-01 was a Thursday: weeks start on Mondays, the first on 1969-12-29 (UTC). */
const FIRST_MONDAY_MS = -3 * DAY_MS;

/** The start (Monday 00:00 UTC, in ms) of the week holding `instantMs`. */
export function weekStartOf(instantMs: number): number {
  return FIRST_MONDAY_MS + Math.floor((instantMs - FIRST_MONDAY_MS) / WEEK_MS) * WEEK_MS;
}

/** The ISO 8601 week of an instant, in UTC: `2026-W48`. */
export function formatIsoWeek(instant: string): string {
  // The week belongs to the year of its Thursday, and week 1 holds that year's first Thursday.
  const thursday = weekStartOf(Date.parse(instant)) + 3 * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  // `setUTCFullYear`, unlike `Date.UTC`, keeps the years 0 to 99 as written, not as 1900 to 1999.
  const firstOfJanuary = new Date(0).setUTCFullYear(year, 0, 1);
  const week = Math.floor((thursday - firstOfJanuary) / WEEK_MS) + 1;
  return `${String(year).padStart(4, '0')}-W${String(week).padStart(2, '0')}`;
}

/** The start (Monday 00:00 UTC, in ms) of an ISO 8601 week written as `formatIsoWeek` writes it. */
export function startOfIsoWeek(week: string): number {
  const [year, number] = week.split('-W').map(Number);
  // Week 1 holds January 4th; `setUTCFullYear`, unlike `Date.UTC`, keeps the years 0 to 99 as written.
  const fourthOfJanuary = new Date(0).setUTCFullYear(year ?? Number.NaN, 0, 4);
  return weekStartOf(fourthOfJanuary) + ((number ?? Number.NaN) - 1) * WEEK_MS;
}

/** A ratio, or null when there is nothing to divide by. */
export function divideOrNull(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/** Rounds for reading (figures, not exact values). */
export function roundTo(value: number | null, digits: number): number | null {
  if (value === null) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Counts one more `key`. */
export function countInto(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** The counts with their keys in order, so that the same figures read the same. */
export function toSortedCounts(counts: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort(([a], [b]) => compareText(a, b)));
}
