import type { Knex } from 'knex';

/**
 * Keeps, with each set awaiting a second review, who read it for that review and when: a second
 * reviewer approves only a set they read (record 0003). Null for sets never read so, and for those
 * read before this was kept. The columns go with the row: erasure and retention delete them with
 * the set.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_sets', (t) => {
    t.string('second_review_opened_by', 64);
    t.string('second_review_opened_at', 30);
  });
}

/** Plain `drop column` on both engines, as for the return (a SQLite rebuild would cascade). */
export async function down(knex: Knex): Promise<void> {
  for (const column of ['second_review_opened_at', 'second_review_opened_by']) {
    await knex.raw('alter table ?? drop column ??', ['recommendation_sets', column]);
  }
}
