import type { Knex } from 'knex';

/**
 * Keeps who discarded a set: the counselor's id, told with the refusal of an action on the set after
 * it (a colleague's, or the counselor's other tab). Null for a set the application withdrew (an
 * objection, a model recalled), and for sets discarded before this was kept.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_sets', (t) => {
    t.string('discarded_by', 64);
  });
}

/** Plain `drop column` on both engines, as for the ordering time. */
export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table ?? drop column ??', ['recommendation_sets', 'discarded_by']);
}
