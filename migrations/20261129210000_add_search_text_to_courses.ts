import type { Knex } from 'knex';
import { courseSearchText } from '../src/courses/search-text.ts';

const BATCH = 500;

/**
 * Keeps each course's title and provider folded for search (lower case, no accents), so that
 * "electricien" finds "Électricien" on both engines; filled here for the courses already stored.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('courses', (t) => {
    t.text('search_text');
  });
  let afterId = '';
  for (;;) {
    const rows: Array<{ id: string; title: string; provider: string }> = await knex('courses')
      .select('id', 'title', 'provider')
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(BATCH);
    for (const row of rows) {
      await knex('courses')
        .where({ id: row.id })
        .update({ search_text: courseSearchText(row) });
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < BATCH) return;
    afterId = last.id;
  }
}

/** Plain `drop column` on both engines (knex's dropColumn rebuilds a SQLite table). */
export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table ?? drop column ??', ['courses', 'search_text']);
}
