import type { Knex } from 'knex';

/**
 * A counselor can make a set by hand, with no model (the manual path: AI switched off, a job seeker
 * who objected, or a counselor's own choice): its model and attribution method are null.
 *
 * SQLite cannot drop a NOT NULL constraint in place: knex rebuilds the table, and it can only turn
 * the foreign-key checks off for that outside a transaction. With them on, dropping the old table
 * would delete every item and feedback through their cascading foreign keys.
 */
export const config = { transaction: false };

const MODEL_COLUMNS = ['model_id', 'model_version', 'model_sha256'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_sets', (t) => {
    for (const column of MODEL_COLUMNS) t.string(column, 64).nullable().alter();
    t.text('attribution_method').nullable().alter();
  });
}

/** Manual sets cannot be kept without a model: rolling back deletes them, their items and feedback. */
export async function down(knex: Knex): Promise<void> {
  await knex('recommendation_sets').whereNull('model_id').delete();
  await knex.schema.alterTable('recommendation_sets', (t) => {
    for (const column of MODEL_COLUMNS) t.string(column, 64).notNullable().alter();
    t.text('attribution_method').notNullable().alter();
  });
}
