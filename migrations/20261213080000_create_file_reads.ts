import type { Knex } from 'knex';

/**
 * The read trace: one row per read of a person's file by staff (a counselor, a second reviewer):
 * whose file, who read it and in which role, through which operation, which set, when. Kept apart
 * from the decision log (record 0022): a row per read would weigh on the hash chain. The person's
 * erasure deletes their rows (the store deletes them explicitly, to count them; the foreign key
 * cascades all the same); retention deletes rows older than `RETENTION_READ_TRACE_DAYS`. Indexed by
 * person (the access record, erasure) and by time (retention).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('file_reads', (t) => {
    t.string('id', 36).primary();
    t.string('seeker_id', 64).notNullable().references('id').inTable('job_seekers').onDelete('CASCADE');
    t.string('reader_id', 64).notNullable();
    t.string('reader_role', 32).notNullable();
    t.string('operation', 64).notNullable();
    t.string('set_id', 36).nullable();
    t.string('read_at', 30).notNullable();
    t.index(['seeker_id', 'read_at']);
    t.index(['read_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('file_reads');
}
