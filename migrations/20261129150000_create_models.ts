import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('models', (t) => {
    t.string('id', 140).primary();
    t.string('name', 64).notNullable();
    t.string('version', 64).notNullable();
    t.string('sha256', 64).notNullable();
    t.string('folder', 200).notNullable();
    t.text('manifest').notNullable();
    t.string('status', 16).notNullable();
    t.string('registered_by', 64).notNullable();
    t.string('registered_at', 30).notNullable();
    t.string('activated_by', 64);
    t.string('activated_at', 30);
    t.string('retired_at', 30);
    t.unique(['name', 'version']);
    t.index(['status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('models');
}
