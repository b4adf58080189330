import type { Knex } from 'knex';

/**
 * A course the counselor put in a set (an addition, or their blind-first shortlist) keeps the decision
 * log's head seq, read under the log's lock, as it was put there (`added_at_seq`): a set's courses
 * that the model did not rank are listed in that order. Their times, which came from the clock of
 * the process that answered, put an addition made through a process whose clock lags before one
 * made earlier through another. Items put in before this migration keep none, and are listed by
 * their times as before, ahead of those put in since.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_items', (t) => {
    t.bigInteger('added_at_seq');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_items', (t) => {
    t.dropColumn('added_at_seq');
  });
}
