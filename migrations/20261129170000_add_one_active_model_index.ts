import type { Knex } from 'knex';

// A partial unique index: the database itself refuses a second active model, on both engines.
export async function up(knex: Knex): Promise<void> {
  await knex.raw("create unique index models_one_active on models (status) where status = 'active'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index models_one_active');
}
