import type { Knex } from 'knex';
import { readJson } from '../src/db/row-values.ts';

const BATCH = 500;

/**
 * Removes the commune code syncs stored with each profile: no feature, filter or answer reads it, and
 * data kept for no use is not kept (GDPR Art. 5(1)(c)). Syncs may still send it; it is left out. The
 * profiles kept with sets before the code was left out of them lose it too. A plain `drop column` on
 * both engines, as record 0003's earlier columns were (a SQLite rebuild would cascade).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table ?? drop column ??', ['job_seekers', 'commune_code']);
  let afterId = '';
  for (;;) {
    const rows: Array<{ id: string; snapshot: unknown }> = await knex('recommendation_sets')
      .select('id', { snapshot: 'profile_snapshot' })
      .where('id', '>', afterId)
      .where('profile_snapshot', 'like', '%"communeCode"%')
      .orderBy('id')
      .limit(BATCH);
    for (const row of rows) {
      const stored = readJson(row.snapshot) as Record<string, unknown>;
      if (!('communeCode' in stored)) continue;
      const { communeCode: _communeCode, ...snapshot } = stored;
      await knex('recommendation_sets')
        .where({ id: row.id })
        .update({ profile_snapshot: JSON.stringify(snapshot) });
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < BATCH) break;
    afterId = last.id;
  }
}

/** The column comes back empty: the codes removed are not kept anywhere to restore. */
export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('job_seekers', (t) => {
    t.string('commune_code', 5);
  });
}
