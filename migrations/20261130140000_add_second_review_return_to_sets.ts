import type { Knex } from 'knex';

/**
 * Keeps, with each set, the last time a second reviewer returned it to its counselor: who, when and
 * their comment, which the counselor reads on the set (before, the comment was only in the sealed
 * part of the decision log, which counselors cannot read). Null for sets never returned, and for
 * those returned before this was kept. The columns go with the row: erasure and retention delete
 * them with the set.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_sets', (t) => {
    t.string('returned_by', 64);
    t.string('returned_at', 30);
    t.text('return_comment');
  });
}

/** Plain `drop column` on both engines, as for the profile snapshot (a SQLite rebuild would cascade). */
export async function down(knex: Knex): Promise<void> {
  for (const column of ['return_comment', 'returned_at', 'returned_by']) {
    await knex.raw('alter table ?? drop column ??', ['recommendation_sets', column]);
  }
}
