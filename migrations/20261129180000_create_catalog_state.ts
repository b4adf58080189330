import type { Knex } from 'knex';

/**
 * One row holding the catalog's version: every catalog write increments it in its own transaction,
 * so an API process can tell with one cheap read whether its in-memory copy of the catalog is still
 * current, whichever process wrote (see src/courses/catalog-snapshot.ts).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('catalog_state', (t) => {
    t.integer('id').primary();
    t.bigInteger('version').notNullable();
  });
  await knex('catalog_state').insert({ id: 1, version: 0 });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('catalog_state');
}
