import type { Knex } from 'knex';

/**
 * The settings row gets a version, bumped by every change, which `GET /v1/settings` gives out as
 * its ETag: an admin who sends it back in If-Match is refused (412) when another change came in
 * between. Version 0 is the documented defaults, before any row exists.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('settings', (t) => {
    t.integer('version').notNullable().defaultTo(1);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('settings', (t) => {
    t.dropColumn('version');
  });
}
