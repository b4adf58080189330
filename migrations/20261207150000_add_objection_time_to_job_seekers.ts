import type { Knex } from 'knex';

/**
 * When the person's objection to AI processing was last recorded or withdrawn: the person's own act
 * on their file, which keeps the profile from being purged as idle for a period, as a sync does.
 * `updated_at` stays the last sync, from which the profile's counts are aged. Null until the first
 * objection after this migration (an earlier one counts from the profile's last sync, as before).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('job_seekers', (t) => {
    t.string('objection_changed_at', 30);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table ?? drop column ??', ['job_seekers', 'objection_changed_at']);
}
