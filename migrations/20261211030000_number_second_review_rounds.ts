import type { Knex } from 'knex';
import { engineOf } from '../src/db/engine.ts';
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
  // The log's requests counted once, grouped by set: a count per set would read the log per set.
  const setId = payloadTextSql(engineOf(knex), ['setId']);
  const counted: Array<{ set_id: unknown; n: unknown }> = await knex('decision_events')
    .where({ type: 'second_review.requested' })
    .select(knex.raw(`${setId} as set_id`))
    .count({ n: '*' })
    .groupByRaw(setId);
  const requests = new Map(counted.map((row) => [String(row.set_id), Number(row.n)]));
  const rows: Array<{ id: unknown; reads: unknown }> = await knex('recommendation_sets')
    .where((q) =>
      q
        .whereNotNull('first_reviewer_id')
        .orWhereNotNull('second_reviewer_id')
        .orWhereNotNull('returned_at')
        .orWhereNotNull('second_review_reads'),
    )
    .select('id', { reads: 'second_review_reads' });
  for (const row of rows) {
    const logged = requests.get(String(row.id)) ?? 0;
    if (row.reads === null) {
      if (logged > 0)
        await knex('recommendation_sets').where({ id: row.id }).update({ second_review_round: logged });
      continue;
    }
    // Handed on at least once, whatever the log kept.
    const round = Math.max(1, logged);
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
