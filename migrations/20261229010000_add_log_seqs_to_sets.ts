import type { Knex } from 'knex';

/**
 * Each set keeps its place in the decision log's order: the log's head seq, read under the log's
 * lock, when the set was made (`created_at_seq`) and when it was published (`published_at_seq`).
 * Whether a drawn set was made after the person's latest publication (it then still owes its second
 * review, record 0003) was told by the clocks, which cannot tell a set made in the same millisecond
 * as that publication, or by a process whose clock lags, from one made before it. The sets made or
 * published before this migration share seq 0, and are told apart by their clocks as before.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_sets', (t) => {
    t.bigInteger('created_at_seq').notNullable().defaultTo(0);
    t.bigInteger('published_at_seq');
  });
  await knex('recommendation_sets').whereNotNull('published_at').update({ published_at_seq: 0 });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_sets', (t) => {
    t.dropColumn('published_at_seq');
    t.dropColumn('created_at_seq');
  });
}
