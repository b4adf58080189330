import type { Knex } from 'knex';
import { chunksOf } from '../src/db/chunks-of.ts';
import { createTimeOrderedId } from '../src/shared/time-ordered-id.ts';

/** Profiles given their enrolment id by one statement. */
const CHUNK = 500;

/**
 * Which enrolment of the person a profile is: a time-ordered id given at each insert (a first
 * enrolment, or a return after an erasure or a purge), never changed by a sync. A suggestion stores
 * its set only if the enrolment it read before the scoring is the one it finds under the log's lock
 * (record 0006); `created_at` told them apart only when they were a millisecond apart or more.
 * Existing profiles get one each, made now (record 0011: its time means nothing). The column stays
 * nullable (SQLite would rebuild the table to add NOT NULL; and during an upgrade, processes of the
 * version before still write profiles without one, which their next sync fills in).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('job_seekers', (t) => {
    t.string('enrolment_id', 36);
  });
  const ids: unknown[] = await knex('job_seekers').pluck('id');
  // One statement per chunk, not per profile: a deployment holds hundreds of thousands of them.
  // Both engines join an update to a list of values, named column1, column2 on both.
  for (const chunk of chunksOf(ids, CHUNK)) {
    await knex.raw(
      `update job_seekers set enrolment_id = given.column2 from (values ${chunk.map(() => '(?, ?)').join(', ')}) as given where job_seekers.id = given.column1`,
      chunk.flatMap((id) => [String(id), createTimeOrderedId()]),
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table ?? drop column ??', ['job_seekers', 'enrolment_id']);
}
