import type { Knex } from 'knex';

/**
 * The fingerprints of the keys the decision log is written with (signing, master, pseudonym), one
 * row each: a process started with other keys on the same database refuses to start, instead of
 * signing checkpoints that fail verification, giving people a second pseudonym, or wrapping data
 * keys an erasure would not find. Recorded by the first process after this migration.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('log_key_fingerprints', (t) => {
    t.string('purpose', 16).primary();
    t.string('fingerprint', 64).notNullable();
    t.string('recorded_at', 30).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('log_key_fingerprints');
}
