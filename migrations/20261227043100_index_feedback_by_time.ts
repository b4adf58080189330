import type { Knex } from 'knex';

const INDEX = 'feedback_created_at_index';

/**
 * The daily retention run deletes the answers given before the retention period (`created_at`):
 * without an index, it read every answer kept to find the few of a day.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('feedback', (t) => {
    t.index(['created_at'], INDEX);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('feedback', (t) => {
    t.dropIndex(['created_at'], INDEX);
  });
}
