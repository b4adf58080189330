import type { Knex } from 'knex';

const INDEX = 'recommendation_sets_second_review_first_read_at_index';

/**
 * Keeps, beside a set's second-review reads, the time of the earliest of them, indexed: the daily
 * retention run finds the sets holding a read older than the read-trace period through it, instead
 * of reading every set that was ever handed to a second review. Null when the set holds no read.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_sets', (t) => {
    t.string('second_review_first_read_at', 30);
    t.index(['second_review_first_read_at'], INDEX);
  });
  const rows: Array<{ id: unknown; reads: unknown }> = await knex('recommendation_sets')
    .whereNotNull('second_review_reads')
    .select('id', { reads: 'second_review_reads' });
  for (const row of rows) {
    const times = (JSON.parse(String(row.reads)) as Array<{ at: string }>).map((read) => read.at).sort();
    if (times.length === 0) continue;
    await knex('recommendation_sets').where({ id: row.id }).update({ second_review_first_read_at: times[0] });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_sets', (t) => {
    t.dropIndex(['second_review_first_read_at'], INDEX);
  });
  await knex.raw('alter table ?? drop column ??', ['recommendation_sets', 'second_review_first_read_at']);
}
