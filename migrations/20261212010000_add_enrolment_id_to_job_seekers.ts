import type { Knex } from 'knex';
import { createTimeOrderedId } from '../src/shared/time-ordered-id.ts';

/**
 * Which enrolment of the person a profile is: a time-ordered id given at each insert (a first
 * enrolment, or a return after an erasure or a purge), never changed by a sync. A suggestion stores
 * its set only if the enrolment it read before the scoring is the one it finds under the log's lock
 * (record 0006); `created_at` told them apart only when they were a millisecond apart or more.
 * Existing profiles get one each, made now (record 0011: its time means nothing). The column stays
 * nullable (SQLite would rebuild the table to add NOT NULL): every row has one from here on.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('job_seekers', (t) => {
    t.string('enrolment_id', 36);
  });
  const ids: unknown[] = await knex('job_seekers').pluck('id');
  for (const id of ids) {
    await knex('job_seekers').where({ id }).update({ enrolment_id: createTimeOrderedId() });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table ?? drop column ??', ['job_seekers', 'enrolment_id']);
}
