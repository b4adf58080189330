import type { Knex } from 'knex';

const INDEX = 'feedback_item_id_index';

/**
 * Feedback is read by item: a set's answers (the counselor's list), the count of a person's answers
 * to one item (bounded), and the foreign key's cascade for every item the retention purge or an
 * erasure deletes. Without an index each of them read every answer ever given.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('feedback', (t) => {
    t.index(['item_id'], INDEX);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('feedback', (t) => {
    t.dropIndex(['item_id'], INDEX);
  });
}
