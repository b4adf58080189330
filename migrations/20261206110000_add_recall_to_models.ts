import type { Knex } from 'knex';

const SET_INDEX = 'recommendation_sets_model_status_index';

/**
 * Keeps, with a model an admin recalled (status `recalled`), who did it, when and why; null for every
 * other model. A recall reads every set the model made that is still open or published: an index of
 * the sets on (model, status) finds them without reading every set.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('models', (t) => {
    t.string('recalled_by', 64);
    t.string('recalled_at', 30);
    t.text('recall_reason');
  });
  await knex.schema.alterTable('recommendation_sets', (t) => {
    t.index(['model_id', 'status'], SET_INDEX);
  });
}

/** Plain `drop column` on both engines, as for the retraction. */
export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index ${SET_INDEX}`);
  for (const column of ['recall_reason', 'recalled_at', 'recalled_by']) {
    await knex.raw('alter table ?? drop column ??', ['models', column]);
  }
}
