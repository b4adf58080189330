import type { Knex } from 'knex';

/**
 * Keeps, with each model, the SHA-256 of its manifest.json and MODEL_CARD.md as registered, so that
 * the manifest is checked at every load and the card each time it is served, as model.onnx is.
 * Null for models registered before this migration: their files were never hashed at registration,
 * and hashing them as they are now would vouch for whatever the folder holds today.
 */
const COLUMNS = ['manifest_sha256', 'card_sha256'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('models', (t) => {
    for (const column of COLUMNS) t.string(column, 64).nullable();
  });
}

/**
 * Plain `drop column` on both engines, as for the sets' profile snapshot: knex's own dropColumn
 * rebuilds a SQLite table.
 */
export async function down(knex: Knex): Promise<void> {
  for (const column of [...COLUMNS].reverse()) {
    await knex.raw('alter table ?? drop column ??', ['models', column]);
  }
}
