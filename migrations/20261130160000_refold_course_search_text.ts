import type { Knex } from 'knex';
import { courseSearchText } from '../src/courses/search-text.ts';

const BATCH = 500;

/**
 * Folds the search text of the courses already stored again, now that every apostrophe folds to
 * the plain one: "d'etat" then finds a course titled "Diplôme d’État". Only the rows whose text
 * changes are written.
 */
export async function up(knex: Knex): Promise<void> {
  let afterId = '';
  for (;;) {
    const rows: Array<{ id: string; title: string; provider: string; search_text: string | null }> =
      await knex('courses')
        .select('id', 'title', 'provider', 'search_text')
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(BATCH);
    for (const row of rows) {
      const searchText = courseSearchText(row);
      if (searchText !== row.search_text) {
        await knex('courses').where({ id: row.id }).update({ search_text: searchText });
      }
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < BATCH) return;
    afterId = last.id;
  }
}

/** Nothing to undo: the text folded either way still finds what it found before. */
export async function down(): Promise<void> {}
