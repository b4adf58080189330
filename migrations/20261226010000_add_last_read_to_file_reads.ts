import type { Knex } from 'knex';

/**
 * Makes a row of the read trace one consultation rather than one request (record 0022): a reader's
 * reads of the same file through the same operation in quick succession join the row of the first,
 * which keeps its time (`read_at`) and gains the time of the latest (`last_read_at`) and how many
 * reads it holds (`read_count`). Rows written before are one read each: their last read is their
 * first. Retention now keys on the last read, indexed in place of the first.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('file_reads', (t) => {
    t.string('last_read_at', 30);
    t.integer('read_count').notNullable().defaultTo(1);
  });
  await knex('file_reads').update({ last_read_at: knex.ref('read_at') });
  await knex.schema.alterTable('file_reads', (t) => {
    t.dropIndex(['read_at']);
    t.index(['last_read_at']);
  });
}

/** Plain `drop column` on both engines, as for the other added columns (a SQLite rebuild would cascade). */
export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('file_reads', (t) => {
    t.dropIndex(['last_read_at']);
    t.index(['read_at']);
  });
  for (const column of ['read_count', 'last_read_at']) {
    await knex.raw('alter table ?? drop column ??', ['file_reads', column]);
  }
}
