import type { Knex } from 'knex';

/**
 * The finished weeks of the figures opened from sealed parts (attributions, drift, outcomes), frozen
 * the first time they are given: one row per figure and week (its Monday, UTC), holding the week's
 * counts and sums per model version or source as JSON. No person is named in it, not even by
 * pseudonym. The daily retention deletes the weeks past the log period.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('frozen_figure_weeks', (t) => {
    t.string('figure', 16).notNullable();
    t.string('week_start', 30).notNullable();
    t.text('totals').notNullable();
    t.string('frozen_at', 30).notNullable();
    t.primary(['figure', 'week_start']);
    t.index(['week_start']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('frozen_figure_weeks');
}
