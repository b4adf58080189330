import type { Knex } from 'knex';

const INDEX = 'feedback_contests_by_item_index';

/**
 * The counselor's queue and each set they read count the person's contests of the set's courses, and
 * the queue lists the sets with one (`contested=true`): a lookup of the contests of each item of each
 * set listed. A partial index of the contests alone, by item and time, answers each from the index
 * (count and latest), without reading the item's other answers; only contests pay for it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index ${INDEX} on feedback (item_id, created_at) where response = 'contest'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index ${INDEX}`);
}
