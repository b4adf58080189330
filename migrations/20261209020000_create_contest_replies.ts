import type { Knex } from 'knex';

/**
 * The counselor's replies to a person's contests of a course (feedback `contest`): each answers the
 * contests of its item given before it. Both foreign keys cascade, as feedback's do: the person's
 * erasure and the purge of the set delete their replies (the stores delete them explicitly first, to
 * count them). Indexed by item and time: a set's unanswered contests are each contest with no reply
 * to its item since, and the portal reads an item's replies.
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
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('contest_replies');
}
