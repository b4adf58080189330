import type { Knex } from 'knex';

const INDEX = 'courses_id_codes_index';

/**
 * The catalog search lists courses by id in the order of their characters' codes (`collate "C"` on
 * PostgreSQL, SQLite's own order): a database created under the host's locale orders the primary key
 * otherwise (case and punctuation ignored at first). An index in that order reads each page from it,
 * as the primary key did. SQLite orders text by its codes already: nothing to add there.
 */
export async function up(knex: Knex): Promise<void> {
  if (String(knex.client.config.client) === 'pg') {
    await knex.raw(`create index ${INDEX} on courses (id collate "C")`);
  }
}

export async function down(knex: Knex): Promise<void> {
  if (String(knex.client.config.client) === 'pg') await knex.raw(`drop index ${INDEX}`);
}
