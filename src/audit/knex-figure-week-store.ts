import type { Knex } from 'knex';
import type { FigureWeekStore, WeekToFreeze } from './figure-week-store.ts';
import type { FrozenFigure } from './figure-weeks.ts';

const TABLE = 'frozen_figure_weeks';

export class KnexFigureWeekStore implements FigureWeekStore {
  constructor(private readonly db: Knex) {}

  async listFrozenWeeks(
    figure: FrozenFigure,
    period: { from?: string; to: string },
  ): Promise<Map<number, unknown>> {
    const query = this.db(TABLE)
      .select('week_start', 'totals')
      .where({ figure })
      .andWhere('week_start', '<', period.to);
    if (period.from !== undefined) query.andWhere('week_start', '>=', period.from);
    const rows: Array<Record<string, unknown>> = await query;
    return new Map(rows.map((row) => [Date.parse(String(row.week_start)), JSON.parse(String(row.totals))]));
  }

  async freezeWeeks(
    figure: FrozenFigure,
    weeks: ReadonlyMap<number, WeekToFreeze>,
    frozenAt: string,
  ): Promise<void> {
    const fresh = [...weeks].filter(([, week]) => week.replacing === undefined);
    if (fresh.length > 0) {
      await this.db(TABLE)
        .insert(
          fresh.map(([week, { totals }]) => ({
            figure,
            week_start: new Date(week).toISOString(),
            totals: JSON.stringify(totals),
            frozen_at: frozenAt,
          })),
        )
        // A week another reader froze meanwhile keeps their totals: both come from the same log.
        .onConflict(['figure', 'week_start'])
        .ignore();
    }
    for (const [week, { totals, replacing }] of weeks) {
      if (replacing === undefined) continue;
      // The stored text is what JSON.stringify wrote, so parsing and writing it again gives it back:
      // a week another reader added rows to meanwhile no longer matches, and keeps theirs.
      await this.db(TABLE)
        .update({ totals: JSON.stringify(totals), frozen_at: frozenAt })
        .where({ figure, week_start: new Date(week).toISOString(), totals: JSON.stringify(replacing) });
    }
  }
}
