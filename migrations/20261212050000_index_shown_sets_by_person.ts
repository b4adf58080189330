import type { Knex } from 'knex';

const INDEX = 'recommendation_sets_shown_by_person_index';

/**
 * The set a person is shown (the portal's, and the one a publication replaces) is, of their sets
 * given and not replaced, the one published last, publication time then id. The lookup sorted every
 * such set of the person, retracted ones piling up with their history. A partial index of exactly
 * those sets, by person, publication and id, answers from its end with no sort. Replaced sets leave
 * it, unlike the index of the sets given, which the latest publication reads. The predicate is
 * written as the query writes it, so that both engines match it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `create index ${INDEX} on recommendation_sets (seeker_id, published_at, id) where status in ('published', 'retracted') and replaced_by_set_id is null`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index ${INDEX}`);
}
