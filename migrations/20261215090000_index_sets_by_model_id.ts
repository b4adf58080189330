import type { Knex } from 'knex';
import { engineOf } from '../src/db/engine.ts';
import { payloadTextSql } from '../src/db/payload-text-sql.ts';

const INDEX = 'decision_events_generated_model_id_index';

/**
 * The auditors' model-id filter looks up the sets one model generated, as the model-version filter
 * does its version's (`20261129230000_index_sets_by_model_version`): a partial index of the
 * `recommendation.generated` events on (model id, set id), written with the filter's own expressions.
 */
export async function up(knex: Knex): Promise<void> {
  const engine = engineOf(knex);
  const modelId = payloadTextSql(engine, ['model', 'id']);
  const setId = payloadTextSql(engine, ['setId']);
  await knex.raw(
    `create index ${INDEX} on decision_events ((${modelId}), (${setId})) where type = 'recommendation.generated'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index ${INDEX}`);
}
