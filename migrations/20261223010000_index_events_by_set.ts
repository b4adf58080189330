import type { Knex } from 'knex';
import { engineOf } from '../src/db/engine.ts';
import { payloadTextSql } from '../src/db/payload-text-sql.ts';

const INDEX = 'decision_events_set_id_seq_index';

/**
 * The auditors' set filter (`setId`) reads one set's events: an index of the events that name a set
 * (`setId` in their payload) on (set id, seq) gives them in seq order without reading another
 * event, and the set's first event, from which the events naming it otherwise (a withdrawal, a
 * replacement, an incident) are read. Partial, so that the events naming no set (audit queries,
 * syncs, catalog writes) pay nothing; written with the filter's own expression (`payloadTextSql`),
 * the only one an engine matches to it.
 */
export async function up(knex: Knex): Promise<void> {
  const setId = payloadTextSql(engineOf(knex), ['setId']);
  await knex.raw(`create index ${INDEX} on decision_events ((${setId}), seq) where ${setId} is not null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index ${INDEX}`);
}
