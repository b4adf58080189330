import type { Knex } from 'knex';

/**
 * Keeps when a set's counselor last put its approved items in order: an act on the set, from which
 * the next decision is timed (record 0008). Sets ordered before stay null: their orders were not
 * timed, and their decisions were timed when made.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_sets', (t) => {
    t.string('ordered_at', 30);
  });
}

/** Plain `drop column` on both engines, as for the closing time. */
export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table ?? drop column ??', ['recommendation_sets', 'ordered_at']);
}
