import type { Knex } from 'knex';
import { engineOf } from '../db/engine.ts';
import type { OccupationLabel } from './occupation-label.ts';
import type { OccupationLabelStore } from './occupation-label-store.ts';

const TABLE = 'occupation_labels';
/** Rows per INSERT: two values each, well within both engines' limits on a statement's parameters. */
const ROWS_PER_INSERT = 250;

export class KnexOccupationLabelStore implements OccupationLabelStore {
  constructor(private readonly db: Knex) {}

  async listForLoad(trx: Knex.Transaction): Promise<OccupationLabel[]> {
    // Two loads at once on PostgreSQL: the second waits for the first, then reads and replaces its
    // rows, instead of inserting codes the first has just inserted. SQLite runs one writer at a time.
    if (engineOf(this.db) === 'postgres') await trx.raw('LOCK TABLE ?? IN EXCLUSIVE MODE', [TABLE]);
    return this.readAll(trx);
  }

  async replaceAll(trx: Knex.Transaction, labels: readonly OccupationLabel[]): Promise<void> {
    await trx(TABLE).delete();
    for (let start = 0; start < labels.length; start += ROWS_PER_INSERT) {
      await trx(TABLE).insert(labels.slice(start, start + ROWS_PER_INSERT));
    }
  }

  async list(): Promise<OccupationLabel[]> {
    return this.readAll(this.db);
  }

  async findLabels(codes: readonly string[], trx?: Knex.Transaction): Promise<Map<string, string>> {
    if (codes.length === 0) return new Map();
    const rows: OccupationLabel[] = await (trx ?? this.db)(TABLE)
      .whereIn('code', codes)
      .select('code', 'label');
    return new Map(rows.map(({ code, label }) => [code, label]));
  }

  private async readAll(db: Knex): Promise<OccupationLabel[]> {
    const rows: OccupationLabel[] = await db(TABLE).select('code', 'label').orderBy('code');
    return rows.map(({ code, label }) => ({ code, label }));
  }
}
