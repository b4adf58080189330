import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('job_seekers', (t) => {
    t.string('id', 64).primary();
    t.string('counselor_id', 64).notNullable().index();
    t.text('target_occupations').notNullable();
    t.integer('education_level').notNullable();
    t.text('skills').notNullable();
    t.double('years_experience').notNullable();
    t.integer('months_unemployed').notNullable();
    t.double('lat');
    t.double('lon');
    t.string('commune_code', 5);
    t.double('mobility_radius_km').notNullable();
    t.boolean('remote_ok').notNullable();
    t.string('available_from', 10);
    t.boolean('ai_objection').notNullable().defaultTo(false);
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('job_seekers');
}
