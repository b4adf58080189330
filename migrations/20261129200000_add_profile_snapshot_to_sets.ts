import type { Knex } from 'knex';

/**
 * Keeps, with each set, the profile the model saw when it made the suggestions (JSON), so that a
 * job seeker's explanation shows the data that was really used, not a later update. Null for sets
 * made before this column existed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_sets', (t) => {
    t.text('profile_snapshot');
  });
}

/**
 * Plain `drop column` on both engines: knex's own dropColumn rebuilds a SQLite table, and dropping
 * the old copy inside the migration's transaction (where foreign keys cannot be switched off)
 * would cascade to every recommendation item.
 */
export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table ?? drop column ??', ['recommendation_sets', 'profile_snapshot']);
}
