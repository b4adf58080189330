import type { Knex } from 'knex';

/**
 * Keeps when a set's review ended (published, discarded, expired or withdrawn), which the person's
 * data export shows. Sets closed before: a published set ended when it was published, an expired
 * one when its lifetime passed; when a discarded one ended was not kept, and stays null.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_sets', (t) => {
    t.string('closed_at', 30);
  });
  await knex('recommendation_sets')
    .where({ status: 'published' })
    .update({ closed_at: knex.ref('published_at') });
  await knex('recommendation_sets')
    .where({ status: 'expired' })
    .update({ closed_at: knex.ref('expires_at') });
}

/** Plain `drop column` on both engines, as for the profile snapshot (a SQLite rebuild would cascade). */
export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table ?? drop column ??', ['recommendation_sets', 'closed_at']);
}
