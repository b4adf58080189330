/** The counting helpers the oversight figures share: the period's test, the closed sessions of an act, the median. */
import { readArrayField } from './event-fields.ts';
import type { OversightOptions } from './oversight-figures.ts';

export function isInPeriod(instant: string, options: Pick<OversightOptions, 'from' | 'to'>): boolean {
  return (
    (options.from === undefined || instant >= options.from) &&
    (options.to === undefined || instant < options.to)
  );
}

/** The approved items an act (a hand-over, a publication) made past a closed-session warning. */
export function countClosedSessions(payload: Record<string, unknown> | undefined): number {
  return readArrayField(payload, 'closedSessions').length;
}

export function computeMedian(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
