import type { Knex } from 'knex';

/**
 * Keeps, with a course the counselor added, the person's latest earlier set in which the model had
 * suggested that same course, and when: what the job seeker is told of the AI's part in it, and what
 * the counselor and auditors see. Null for the model's own items, for additions the model never
 * suggested to the person, and for additions made before this was kept.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_items', (t) => {
    t.string('earlier_set_id', 36);
    t.string('earlier_suggested_at', 30);
  });
}

/** Plain `drop column` on both engines, as for the sets' added columns. */
export async function down(knex: Knex): Promise<void> {
  for (const column of ['earlier_suggested_at', 'earlier_set_id']) {
    await knex.raw('alter table ?? drop column ??', ['recommendation_items', column]);
  }
}
