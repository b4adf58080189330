import type { Knex } from 'knex';

const OWED_INDEX = 'recommendation_sets_second_review_drawn_index';
const BY_HAND_INDEX = 'recommendation_sets_made_by_hand_index';

/**
 * Two reads of a suggestion's transaction went through every set of the person, whose open sets made
 * by the model add up (a counselor asking again leaves the earlier ones open until they expire):
 * - the second review an earlier set owes: a partial index of the sets drawn for a second review, by
 *   person and creation, walked from the newest, finds it without reading the sets not drawn;
 * - the open sets made by hand, to withdraw: their partial index gains the status, so that SQLite's
 *   planner prefers it to the index of every set by person and status.
 * The predicates are written as the queries write them, so that both engines match them.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `create index ${OWED_INDEX} on recommendation_sets (seeker_id, created_at) where second_review_required = true`,
  );
  await knex.raw(`drop index ${BY_HAND_INDEX}`);
  await knex.raw(
    `create index ${BY_HAND_INDEX} on recommendation_sets (seeker_id, status) where model_id is null`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index ${BY_HAND_INDEX}`);
  await knex.raw(`create index ${BY_HAND_INDEX} on recommendation_sets (seeker_id) where model_id is null`);
  await knex.raw(`drop index ${OWED_INDEX}`);
}
