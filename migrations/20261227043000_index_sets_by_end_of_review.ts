import type { Knex } from 'knex';

const INDEX = 'recommendation_sets_end_of_review_index';

/**
 * The daily retention run purges the sets whose review ended (`closed_at`, or the creation of a set
 * discarded before that time was kept) before the retention period, and the open sets past their
 * expiry for the whole period (`(status, expires_at)`, indexed from the start). Indexed on the very
 * expression the run compares, the only one an engine matches to it, the ended sets are found
 * without reading every set kept.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index ${INDEX} on recommendation_sets ((coalesce(closed_at, created_at)))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index ${INDEX}`);
}
