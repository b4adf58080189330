import type { Knex } from 'knex';

const IDEMPOTENCY_INDEX = 'idempotency_keys_created_at_index';
const REPLIES_INDEX = 'contest_replies_created_at_index';

/**
 * The daily retention run deletes the idempotency keys and the replies to contests written before
 * their periods (`created_at`): without an index, it read every key kept (one for each creation sent
 * with an `Idempotency-Key`) and every reply kept to find the few of a day.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('idempotency_keys', (t) => {
    t.index(['created_at'], IDEMPOTENCY_INDEX);
  });
  await knex.schema.alterTable('contest_replies', (t) => {
    t.index(['created_at'], REPLIES_INDEX);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('contest_replies', (t) => {
    t.dropIndex(['created_at'], REPLIES_INDEX);
  });
  await knex.schema.alterTable('idempotency_keys', (t) => {
    t.dropIndex(['created_at'], IDEMPOTENCY_INDEX);
  });
}
