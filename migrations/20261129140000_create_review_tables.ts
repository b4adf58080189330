import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // One row (id = 1): the operating modes. Absent row means the defaults.
  await knex.schema.createTable('settings', (t) => {
    t.integer('id').primary();
    t.boolean('ai_enabled').notNullable();
    t.boolean('blind_first').notNullable();
    t.double('second_review_rate').notNullable();
    t.integer('set_ttl_hours').notNullable();
    t.integer('fast_decision_seconds').notNullable();
    t.string('updated_at', 30).notNullable();
    t.string('updated_by', 64).notNullable();
  });

  await knex.schema.createTable('recommendation_sets', (t) => {
    t.string('id', 36).primary();
    t.string('seeker_id', 64).notNullable().references('id').inTable('job_seekers').onDelete('CASCADE');
    t.string('counselor_id', 64).notNullable();
    t.string('status', 32).notNullable();
    t.string('model_id', 64).notNullable();
    t.string('model_version', 64).notNullable();
    t.string('model_sha256', 64).notNullable();
    t.text('attribution_method').notNullable();
    t.string('created_by', 64).notNullable();
    t.string('created_at', 30).notNullable();
    t.string('expires_at', 30).notNullable();
    t.string('opened_at', 30);
    t.string('published_at', 30);
    t.string('published_by', 64);
    t.integer('version').notNullable();
    t.text('no_candidate_reason');
    t.text('message');
    t.text('discard_reason');
    t.boolean('second_review_required').notNullable();
    t.string('first_reviewer_id', 64);
    t.string('second_reviewer_id', 64);
    t.text('shortlist');
    t.string('shortlist_submitted_at', 30);
    t.integer('shortlist_overlap');
    t.index(['counselor_id', 'created_at']);
    t.index(['seeker_id', 'status', 'published_at']);
    t.index(['status', 'expires_at']);
  });

  await knex.schema.createTable('recommendation_items', (t) => {
    t.string('id', 36).primary();
    t.string('set_id', 36).notNullable().references('id').inTable('recommendation_sets').onDelete('CASCADE');
    t.string('course_id', 64).notNullable();
    // The course as shown at suggestion time, so that later catalog edits do not rewrite history.
    t.text('course_snapshot').notNullable();
    t.integer('rank');
    t.integer('display_order');
    t.double('score');
    t.text('features');
    t.text('attributions').notNullable();
    t.text('counselor_explanation').notNullable();
    t.text('seeker_explanation').notNullable();
    t.string('source', 16).notNullable();
    t.string('decision', 16).notNullable();
    t.string('reason_code', 64);
    t.text('comment');
    t.string('decided_by', 64);
    t.string('decided_at', 30);
    t.double('decision_seconds');
    t.text('added_reason');
    t.unique(['set_id', 'course_id']);
  });

  await knex.schema.createTable('idempotency_keys', (t) => {
    t.string('subject', 64).notNullable();
    t.string('key', 100).notNullable();
    t.string('operation', 64).notNullable();
    t.string('request_hash', 64).notNullable();
    t.integer('response_status').notNullable();
    t.text('response_body').notNullable();
    t.string('created_at', 30).notNullable();
    t.primary(['subject', 'key']);
  });

  await knex.schema.createTable('feedback', (t) => {
    t.string('id', 36).primary();
    t.string('item_id', 36)
      .notNullable()
      .references('id')
      .inTable('recommendation_items')
      .onDelete('CASCADE');
    t.string('seeker_id', 64).notNullable().references('id').inTable('job_seekers').onDelete('CASCADE');
    t.string('response', 16).notNullable();
    t.text('comment');
    t.string('created_at', 30).notNullable();
    t.index(['seeker_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('feedback');
  await knex.schema.dropTable('idempotency_keys');
  await knex.schema.dropTable('recommendation_items');
  await knex.schema.dropTable('recommendation_sets');
  await knex.schema.dropTable('settings');
}
