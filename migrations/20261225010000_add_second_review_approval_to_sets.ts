import type { Knex } from 'knex';

/**
 * Keeps, with each set a second reviewer approved, when they approved it and their comment, which the
 * set's counselors read on the set and the person in their data export, as a return's (before, the
 * comment was only in the sealed part of the decision log). The reviewer is the set's
 * `second_reviewer_id`, set with them. Null for sets not approved in a second review, and for those
 * approved before this was kept. The columns go with the row: erasure and retention delete them with
 * the set.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_sets', (t) => {
    t.string('second_review_approved_at', 30);
    t.text('approval_comment');
  });
}

/** Plain `drop column` on both engines, as for the return (a SQLite rebuild would cascade). */
export async function down(knex: Knex): Promise<void> {
  for (const column of ['approval_comment', 'second_review_approved_at']) {
    await knex.raw('alter table ?? drop column ??', ['recommendation_sets', column]);
  }
}
