import type { Knex } from 'knex';
import { engineOf } from '../src/db/engine.ts';
import { payloadTextSql } from '../src/db/payload-text-sql.ts';

/**
 * Keeps with each set whether it was made in blind-first mode, so that a set ended without the
 * counselor's shortlist (discarded, expired) keeps its items hidden from them. Earlier sets are
 * found in the log: their `recommendation.generated` says they awaited a shortlist.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_sets', (t) => {
    t.boolean('blind_first').notNullable().defaultTo(false);
  });
  const engine = engineOf(knex);
  await knex('recommendation_sets')
    .whereIn(
      'id',
      knex('decision_events')
        .select(knex.raw(`${payloadTextSql(engine, ['setId'])}`))
        .where('type', 'recommendation.generated')
        .whereRaw(`${payloadTextSql(engine, ['status'])} = ?`, ['awaiting_shortlist']),
    )
    .update({ blind_first: true });
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table ?? drop column ??', ['recommendation_sets', 'blind_first']);
}
