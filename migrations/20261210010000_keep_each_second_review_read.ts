import type { Knex } from 'knex';

/**
 * Keeps each counselor's read of a set awaiting its second review, as a JSON list of `{ by, at }`
 * (null when none), in place of the one reader and time: any counselor who read the set may approve
 * it, whoever read it after them, and a read no longer changes the set's version (record 0003). The
 * reader kept so far becomes the list's one read. The column goes with the row: erasure and
 * retention delete it with the set.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_sets', (t) => {
    t.text('second_review_reads');
  });
  const rows: Array<{ id: unknown; by: unknown; at: unknown }> = await knex('recommendation_sets')
    .whereNotNull('second_review_opened_by')
    .select('id', { by: 'second_review_opened_by', at: 'second_review_opened_at' });
  for (const row of rows) {
    const reads = [{ by: String(row.by), at: String(row.at) }];
    await knex('recommendation_sets')
      .where({ id: row.id })
      .update({ second_review_reads: JSON.stringify(reads) });
  }
  await dropColumns(knex, ['second_review_opened_at', 'second_review_opened_by']);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_sets', (t) => {
    t.string('second_review_opened_by', 64);
    t.string('second_review_opened_at', 30);
  });
  const rows: Array<{ id: unknown; reads: unknown }> = await knex('recommendation_sets')
    .whereNotNull('second_review_reads')
    .select('id', { reads: 'second_review_reads' });
  for (const row of rows) {
    const reads = JSON.parse(String(row.reads)) as Array<{ by: string; at: string }>;
    const last = reads.at(-1);
    if (last === undefined) continue;
    await knex('recommendation_sets')
      .where({ id: row.id })
      .update({ second_review_opened_by: last.by, second_review_opened_at: last.at });
  }
  await dropColumns(knex, ['second_review_reads']);
}

/** Plain `drop column` on both engines, as record 0003's earlier columns were (a SQLite rebuild would cascade). */
async function dropColumns(knex: Knex, columns: readonly string[]): Promise<void> {
  for (const column of columns) {
    await knex.raw('alter table ?? drop column ??', ['recommendation_sets', column]);
  }
}
