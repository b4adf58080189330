import type { Knex } from 'knex';

/**
 * What became of a course proposed to a job seeker, as the case-management system reports it: one
 * row per person and course, replaced in place (`version`), linked to the approved item of the
 * published set it is about. The link is copied out (set, source, model, predicted score) so that the
 * outcome figures read one row, and the model's prediction stays beside the outcome it is compared
 * with. Both foreign keys cascade, as feedback's do: the person's erasure and the purge of the set
 * delete their outcomes (the stores delete them explicitly first, to count them).
 *
 * The figures read the approved items of the sets published in a period: an index of the sets on
 * (status, publication) finds them without reading every set.
 */
const SET_INDEX = 'recommendation_sets_status_published_index';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('course_outcomes', (t) => {
    t.string('id', 36).primary();
    t.string('seeker_id', 64).notNullable().references('id').inTable('job_seekers').onDelete('CASCADE');
    t.string('course_id', 64).notNullable();
    t.string('set_id', 36).notNullable();
    t.string('item_id', 36)
      .notNullable()
      .references('id')
      .inTable('recommendation_items')
      .onDelete('CASCADE');
    t.string('source', 16).notNullable();
    t.string('model_id', 140);
    t.string('model_version', 64);
    t.double('predicted_score');
    t.boolean('entered').notNullable();
    t.boolean('employed_within_six_months');
    t.string('observed_at', 10).notNullable();
    t.integer('version').notNullable();
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.unique(['seeker_id', 'course_id']);
    t.index(['item_id']);
  });
  await knex.schema.alterTable('recommendation_sets', (t) => {
    t.index(['status', 'published_at'], SET_INDEX);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index ${SET_INDEX}`);
  await knex.schema.dropTable('course_outcomes');
}
