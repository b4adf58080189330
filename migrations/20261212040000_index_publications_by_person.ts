import type { Knex } from 'knex';

const INDEX = 'recommendation_sets_given_by_person_index';

/**
 * The second review a set owes is paid by the person's latest publication, which the lookup read
 * among every set they were given: by the index of their sets by status and publication, one status
 * after the other, however many they had. A partial index of the given sets (published, or retracted
 * since) by person and publication answers the latest from its end. The predicate is written as the
 * query writes it, so that both engines match it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `create index ${INDEX} on recommendation_sets (seeker_id, published_at) where status in ('published', 'retracted')`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index ${INDEX}`);
}
