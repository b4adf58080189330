import type { Knex } from 'knex';
import { engineOf } from '../src/db/engine.ts';
import { payloadTextSql } from '../src/db/payload-text-sql.ts';

const INDEX = 'decision_events_queried_set_subject_index';

/**
 * An auditor's read of one set's trail (`setId`) reads one person's events: its `audit.queried`
 * keeps the pseudonym of the person the set was made for (`setSubject`), and the person's access
 * record lists it as it lists a read naming them as `subject` or `actor`, through a partial index of
 * the same kind (see 20261207173000_index_queries_naming_people).
 */
export async function up(knex: Knex): Promise<void> {
  const setSubject = payloadTextSql(engineOf(knex), ['setSubject']);
  await knex.raw(
    `create index ${INDEX} on decision_events ((${setSubject}), seq) where type = 'audit.queried'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index ${INDEX}`);
}
