import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('courses', (t) => {
    t.string('id', 64).primary();
    t.string('title', 300).notNullable();
    t.string('provider', 200).notNullable();
    t.text('target_occupations').notNullable();
    t.text('skills').notNullable();
    t.integer('exit_level').notNullable();
    t.integer('prerequisite_level').notNullable();
    t.double('duration_hours').notNullable();
    t.string('modality', 16).notNullable();
    t.double('lat');
    t.double('lon');
    t.string('city', 120);
    t.string('next_session_start', 10);
    t.boolean('funded').notNullable();
    t.boolean('certifying').notNullable();
    t.double('return_to_employment_rate');
    t.boolean('active').notNullable();
    t.string('updated_at', 30).notNullable();
    t.index(['active', 'next_session_start']);
    t.index(['lat', 'lon']);
  });
  // One row per (course, ROME code): occupation search stays an indexed lookup on both engines.
  await knex.schema.createTable('course_occupations', (t) => {
    t.string('course_id', 64).notNullable().references('id').inTable('courses').onDelete('CASCADE');
    t.string('rome_code', 5).notNullable();
    t.primary(['course_id', 'rome_code']);
    t.index(['rome_code', 'course_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('course_occupations');
  await knex.schema.dropTable('courses');
}
