import type { Knex } from 'knex';

/**
 * Keeps, with a published set its counselor took back from the person (status `retracted`), who did
 * it, when and why. `closed_at` keeps its meaning, when the review ended (the publication): the
 * retraction comes after it. Null for every other set. The columns go with the row: erasure and
 * retention delete them with the set.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_sets', (t) => {
    t.string('retracted_by', 64);
    t.string('retracted_at', 30);
    t.text('retraction_reason');
  });
}

/** Plain `drop column` on both engines, as for the second review's return. */
export async function down(knex: Knex): Promise<void> {
  for (const column of ['retraction_reason', 'retracted_at', 'retracted_by']) {
    await knex.raw('alter table ?? drop column ??', ['recommendation_sets', column]);
  }
}
