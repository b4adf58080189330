import type { Knex } from 'knex';

/**
 * Keeps, with the settings row, why they were last changed (the admin's `changeReason`, null when
 * none was given), beside who and when (`updated_by`, `updated_at`): `GET /v1/settings` shows the
 * last change whole. The reason is the one `settings.changed` keeps readable in the log, screened
 * before either is written (no sensitive details, no job seeker's id), and the admin's id is staff
 * data: erasure and retention, which are about job seekers, leave the row alone.
 *
 * A row changed before this migration takes the reason of the latest `settings.changed` event,
 * which every change appends in its own transaction: the last change's.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('settings', (t) => {
    t.text('change_reason');
  });
  const changed = await knex('settings').where({ id: 1 }).first('id');
  if (changed === undefined) return;
  const last = await knex('decision_events')
    .where({ type: 'settings.changed' })
    .orderBy('seq', 'desc')
    .first('payload');
  const reason =
    last === undefined ? undefined : (JSON.parse(String(last.payload)) as { reason?: unknown }).reason;
  if (typeof reason === 'string') await knex('settings').where({ id: 1 }).update({ change_reason: reason });
}

/** Plain `drop column` on both engines, as for the retraction's columns. */
export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table ?? drop column ??', ['settings', 'change_reason']);
}
