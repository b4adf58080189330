import type { FrozenFigure } from './figure-weeks.ts';

/**
 * The finished weeks of the figures opened from sealed parts, frozen the first time they were given
 * (see `AuditService`): counts and sums per week, no person named.
 */
export interface FigureWeekStore {
  /** The weeks of `figure` frozen so far that start in [`from`, `to`): their totals as stored, by week start (ms). */
  listFrozenWeeks(figure: FrozenFigure, period: { from?: string; to: string }): Promise<Map<number, unknown>>;
  /**
   * Freezes the weeks given, by week start (ms). A week already frozen, by an earlier read or by
   * another reader at the same moment, is left as it was.
   */
  freezeWeeks(figure: FrozenFigure, weeks: ReadonlyMap<number, unknown>, frozenAt: string): Promise<void>;
}
