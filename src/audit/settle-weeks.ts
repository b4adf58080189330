/**
 * The freezing of the figures' finished weeks: each row of a week is given as it was the first time
 * it was given (see `settleWeeks`).
 */
import type { AuditPeriod } from './audit-period.ts';
import type { AuditServiceDeps } from './audit-service-deps.ts';
import type { WeekToFreeze } from './figure-week-store.ts';
import {
  type FigureTally,
  type FigureWeek,
  type FigureWeekShape,
  type FrozenFigure,
  settleFigureWeek,
  weekToFreeze,
} from './figure-weeks.ts';

/**
 * The weeks of a figure as given: each row of a finished week as it was the first time it was
 * given, the others frozen now if given now. A row's totals thus never change once given, whoever
 * leaves them since (an erasure, an objection): read before and after, they would give that
 * person's values back by subtraction, whatever number of people each read rests on. Only the rows
 * given are frozen (resting on `AUDIT_MIN_PEOPLE`, the minimum in force at that read, or more): a
 * row below it is worked out from the log at each read and withheld, nothing of it given, so
 * nothing of it to subtract; once the minimum is lowered it is worked out then (the people erased
 * meanwhile already out) and frozen as first given. A frozen row below the minimum then in force
 * is withheld (raising it hides). Rows frozen withheld by older code, without their sums, count as
 * not frozen. Two readers freezing the same week at once keep the first one's rows, read back by
 * both; a row given but not frozen in the end (readers racing thrice) is withheld at this read.
 * With a minimum of one person every figure may be given, partial weeks included, and nothing is
 * frozen. The people of each row are counted live (see `FigureTally`). `listed` is the figure's
 * frozen weeks as `listFrozenWeeks` gave them before the tally, which opened no set of the rows
 * frozen in them for their totals.
 */
export async function settleWeeks<R, W extends FigureWeek<R>>(
  deps: Pick<AuditServiceDeps, 'figureWeeks' | 'minPeoplePerFigure' | 'now'>,
  figure: FrozenFigure,
  period: AuditPeriod,
  tally: FigureTally<W>,
  shape: FigureWeekShape<R, W>,
  listed: ReadonlyMap<number, unknown>,
): Promise<FigureTally<W>> {
  const { to } = period;
  const minPeople = deps.minPeoplePerFigure;
  if (minPeople <= 1 || to === undefined) return tally;
  const store = deps.figureWeeks;
  const weeksOf = { ...(period.from === undefined ? {} : { from: period.from }), to };
  let stored = listed;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const additions = new Map<number, WeekToFreeze>();
    for (const [week, live] of tally.weeks) {
      const frozen = stored.get(week);
      const totals = weekToFreeze(
        live,
        frozen === undefined ? undefined : shape.readWeek(frozen),
        shape,
        minPeople,
      );
      if (totals !== undefined)
        additions.set(week, { totals, ...(frozen === undefined ? {} : { replacing: frozen }) });
    }
    if (additions.size === 0) break;
    await store.freezeWeeks(figure, additions, deps.now().toISOString());
    stored = await store.listFrozenWeeks(figure, weeksOf);
  }
  const weeks = new Map<number, W>();
  for (const week of new Set([...tally.weeks.keys(), ...stored.keys()])) {
    const frozen = stored.get(week);
    const settled = settleFigureWeek(
      tally.weeks.get(week),
      frozen === undefined ? undefined : shape.readWeek(frozen),
      shape,
    );
    if (settled !== undefined) weeks.set(week, settled);
  }
  return { ...tally, weeks };
}

/**
 * The weeks of `figure` frozen so far within `period` (by week start, in ms), read before its sets
 * are: the rows frozen with their sums are given as stored, so their sets are not opened for their
 * totals (`frozenRowsOf`). None with a minimum of one person, where nothing is frozen.
 */
export async function listFrozenWeeksOf(
  deps: Pick<AuditServiceDeps, 'figureWeeks' | 'minPeoplePerFigure'>,
  figure: FrozenFigure,
  period: AuditPeriod,
): Promise<Map<number, unknown>> {
  const { to } = period;
  if (deps.minPeoplePerFigure <= 1 || to === undefined) return new Map();
  return deps.figureWeeks.listFrozenWeeks(figure, {
    ...(period.from === undefined ? {} : { from: period.from }),
    to,
  });
}
