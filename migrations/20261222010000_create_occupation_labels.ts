import type { Knex } from 'knex';

/**
 * The labels of ROME occupation codes, loaded whole by an admin from the published referential, so
 * that a job seeker reads the occupations they aim at by name. No one's data: erasure and retention
 * leave it alone.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('occupation_labels', (t) => {
    t.string('code', 5).primary();
    t.string('label', 200).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('occupation_labels');
}
