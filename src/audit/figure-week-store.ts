import type { FrozenFigure } from './figure-weeks.ts';

/** A week to freeze: its totals, and those it replaces when it was frozen already (rows added to it). */
export interface WeekToFreeze {
  totals: unknown;
  /** The totals as listed (`listFrozenWeeks`) before rows were added; absent for a week not frozen. */
  replacing?: unknown;
}

/**
 * The finished weeks of the figures opened from sealed parts, their rows frozen the first time they
 * were given (see `settleWeeks`): counts and sums per week, no person named.
 */
export interface FigureWeekStore {
  /** The weeks of `figure` frozen so far that start in [`from`, `to`): their totals as stored, by week start (ms). */
  listFrozenWeeks(figure: FrozenFigure, period: { from?: string; to: string }): Promise<Map<number, unknown>>;
  /**
   * Freezes the weeks given, by week start (ms). A week frozen meanwhile, by another reader at the
   * same moment, is left as that reader froze it: a new week already frozen, or a week whose totals
   * are no longer those it replaces.
   */
  freezeWeeks(
    figure: FrozenFigure,
    weeks: ReadonlyMap<number, WeekToFreeze>,
    frozenAt: string,
  ): Promise<void>;
}
