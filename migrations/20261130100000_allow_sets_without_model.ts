import type { Knex } from 'knex';
import { engineOf } from '../src/db/engine.ts';

/**
 * A counselor can make a set by hand, with no model, when the model may not be used for a person
 * (the manual path: AI switched off, an objection, no active model): its model and attribution
 * method are null.
 *
 * SQLite cannot drop a NOT NULL constraint in place: knex rebuilds the table, and it can only turn
 * the foreign-key checks off for that outside a transaction (the rebuild then runs in one of its
 * own). With them on, dropping the old table would delete every item and feedback through their
 * cascading foreign keys. PostgreSQL alters the columns in place, in a transaction opened here.
 */
export const config = { transaction: false };

const MODEL_COLUMNS = ['model_id', 'model_version', 'model_sha256'] as const;

export async function up(knex: Knex): Promise<void> {
  await inOneTransactionOnPostgres(knex, async (db) => {
    await db.schema.alterTable('recommendation_sets', (t) => {
      for (const column of MODEL_COLUMNS) t.string(column, 64).nullable().alter();
      t.text('attribution_method').nullable().alter();
    });
  });
}

/**
 * Sets made by hand cannot be kept without a model: rolling back deletes them with their items and
 * feedback (their Idempotency-Key answers stay, and a retry then answers 404 as after an erasure).
 */
export async function down(knex: Knex): Promise<void> {
  await inOneTransactionOnPostgres(knex, async (db) => {
    await db('recommendation_sets').whereNull('model_id').delete();
    await db.schema.alterTable('recommendation_sets', (t) => {
      for (const column of MODEL_COLUMNS) t.string(column, 64).notNullable().alter();
      t.text('attribution_method').notNullable().alter();
    });
  });
}

async function inOneTransactionOnPostgres(
  knex: Knex,
  work: (db: Knex | Knex.Transaction) => Promise<void>,
): Promise<void> {
  if (engineOf(knex) === 'postgres') await knex.transaction(work);
  else await work(knex);
}
