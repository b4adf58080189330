import type { Knex } from 'knex';

/**
 * A set's `model_id` was 64 characters wide while a registry id (`<name>-<version>`, each up to 64)
 * may take 129: on PostgreSQL a model with a long name could be registered and activated, and then
 * every suggestion it scored failed to be stored. The column takes what the models table takes.
 * SQLite does not enforce a `varchar` width: nothing to change there.
 */
export async function up(knex: Knex): Promise<void> {
  if (String(knex.client.config.client) === 'pg') {
    await knex.raw('alter table recommendation_sets alter column model_id type varchar(140)');
  }
}

/** Narrowing again would fail on any stored id longer than 64: the wider column stays. */
export async function down(): Promise<void> {}
