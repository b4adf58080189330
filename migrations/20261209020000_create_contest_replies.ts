import type { Knex } from 'knex';

/**
 * The counselor's replies to a person's contests of a course (feedback `contest`): each answers the
 * contests of its item that were kept, and not answered, when it was written. Both foreign keys
 * cascade, as feedback's do: the person's erasure and the purge of the set delete their replies (the
 * stores delete them explicitly first, to count them). Indexed by item and time: the portal reads an
 * item's replies.
 *
 * Each contest names the reply that answered it (`feedback.answered_by`, null while unanswered),
 * set by the reply in its transaction: a contest whose time was taken before a reply but kept after
 * it stays unanswered, which comparing times would not tell. No foreign key: a contest and its reply
 * are deleted together (erasure, purge of the set), and retention deletes the older, the contest,
 * no later than its reply.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('contest_replies', (t) => {
    t.string('id', 36).primary();
    t.string('item_id', 36)
      .notNullable()
      .references('id')
      .inTable('recommendation_items')
      .onDelete('CASCADE');
    t.string('seeker_id', 64).notNullable().references('id').inTable('job_seekers').onDelete('CASCADE');
    t.string('counselor_id', 64).notNullable();
    t.text('message').notNullable();
    t.string('created_at', 30).notNullable();
    t.index(['item_id', 'created_at']);
    t.index(['seeker_id']);
  });
  await knex.schema.alterTable('feedback', (t) => {
    t.string('answered_by', 36).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('feedback', (t) => {
    t.dropColumn('answered_by');
  });
  await knex.schema.dropTable('contest_replies');
}
