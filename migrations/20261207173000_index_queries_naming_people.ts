import type { Knex } from 'knex';
import { engineOf } from '../src/db/engine.ts';
import { payloadTextSql } from '../src/db/payload-text-sql.ts';

/** The auditors' filters that name a person by pseudonym, each with its partial index. */
const QUERIED_PERSON_INDEXES = {
  subject: 'decision_events_queried_subject_index',
  actor: 'decision_events_queried_actor_index',
} as const;

/**
 * A person's access record lists the auditors' reads of the log that named them (`audit.queried`
 * with their pseudonym as the `subject` or `actor` filter): the event has no subject, so the
 * `(subject, seq)` index cannot find it, and every audit query is one. A partial index of the
 * `audit.queried` events on each filter, ending in `seq`, answers it without reading a payload
 * beyond the person's, in seq order. Written with the very expression the lookup uses
 * (`payloadTextSql`); only the events of that one type pay for it when appended.
 */
export async function up(knex: Knex): Promise<void> {
  const engine = engineOf(knex);
  for (const [filter, index] of Object.entries(QUERIED_PERSON_INDEXES)) {
    await knex.raw(
      `create index ${index} on decision_events ((${payloadTextSql(engine, ['filters', filter])}), seq) where type = 'audit.queried'`,
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const index of Object.values(QUERIED_PERSON_INDEXES)) await knex.raw(`drop index ${index}`);
}
