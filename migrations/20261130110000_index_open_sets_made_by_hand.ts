import type { Knex } from 'knex';

const INDEX = 'recommendation_sets_made_by_hand_index';

/**
 * Asking for suggestions withdraws the person's open sets made by hand, in the suggestion's own
 * transaction: a partial index of the sets with no model finds them without reading the person's
 * sets made by the model (a counselor may leave many open), which never pay for it when written.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index ${INDEX} on recommendation_sets (seeker_id) where model_id is null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index ${INDEX}`);
}
