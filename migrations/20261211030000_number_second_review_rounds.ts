import type { Knex } from 'knex';
import { engineOf } from '../src/db/database.ts';
import { payloadTextSql } from '../src/db/payload-text-sql.ts';

/**
 * Keeps the reads of every round of a set's second review, each with its round, where handing the
 * set on again after a return emptied the list: the access record lists every read of the set by a
 * possible second reviewer (record 0010). `second_review_round` counts the times the set was handed
 * to a second review (0 before the first), read from the log's `second_review.requested` events
 * about it; the reads kept so far are of the last round, the earlier ones having been dropped. An
 * approval still needs a read of the current round.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_sets', (t) => {
    t.integer('second_review_round').notNullable().defaultTo(0);
  });
  const setId = payloadTextSql(engineOf(knex), ['setId']);
  await knex.raw(
    `update recommendation_sets set second_review_round = (select count(*) from decision_events
      where type = 'second_review.requested' and ${setId} = recommendation_sets.id)
     where first_reviewer_id is not null or second_reviewer_id is not null or returned_at is not null
       or second_review_reads is not null`,
  );
  const rows: Array<{ id: unknown; round: unknown; reads: unknown }> = await knex('recommendation_sets')
    .whereNotNull('second_review_reads')
    .select('id', { round: 'second_review_round', reads: 'second_review_reads' });
  for (const row of rows) {
    // Handed on at least once, whatever the log kept.
    const round = Math.max(1, Number(row.round));
    const reads = (JSON.parse(String(row.reads)) as Array<{ by: string; at: string }>).map((read) => ({
      ...read,
      round,
    }));
    await knex('recommendation_sets')
      .where({ id: row.id })
      .update({ second_review_round: round, second_review_reads: JSON.stringify(reads) });
  }
}

export async function down(knex: Knex): Promise<void> {
  const rows: Array<{ id: unknown; round: unknown; reads: unknown }> = await knex('recommendation_sets')
    .whereNotNull('second_review_reads')
    .select('id', { round: 'second_review_round', reads: 'second_review_reads' });
  for (const row of rows) {
    const round = Number(row.round);
    const reads = (JSON.parse(String(row.reads)) as Array<{ by: string; at: string; round: number }>)
      .filter((read) => read.round === round)
      .map(({ by, at }) => ({ by, at }));
    await knex('recommendation_sets')
      .where({ id: row.id })
      .update({ second_review_reads: reads.length === 0 ? null : JSON.stringify(reads) });
  }
  await knex.raw('alter table ?? drop column ??', ['recommendation_sets', 'second_review_round']);
}
