import type { Knex } from 'knex';
import { readStringArray } from '../src/db/row-values.ts';
import { normaliseSkillCodes } from '../src/shared/skill-codes.ts';

const BATCH = 500;

/**
 * Writes the skill codes already stored, of job seekers and of courses, in lower case, each once,
 * as syncs and imports now store them: a person synced with `Soudage-TIG` before then holds the skill
 * a course teaching `soudage-tig` asks for. Only the rows whose codes change are written. The
 * profiles kept with sets are left as they were: they record what the model was given.
 */
export async function up(knex: Knex): Promise<void> {
  for (const table of ['job_seekers', 'courses']) {
    let afterId = '';
    for (;;) {
      const rows: Array<{ id: string; skills: unknown }> = await knex(table)
        .select('id', 'skills')
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(BATCH);
      for (const row of rows) {
        const stored = readStringArray(row.skills);
        const skills = normaliseSkillCodes(stored);
        if (JSON.stringify(skills) !== JSON.stringify(stored)) {
          await knex(table)
            .where({ id: row.id })
            .update({ skills: JSON.stringify(skills) });
        }
      }
      const last = rows.at(-1);
      if (last === undefined || rows.length < BATCH) break;
      afterId = last.id;
    }
  }
}

/** Nothing to undo: the codes in lower case match what the codes as sent matched, and more. */
export async function down(): Promise<void> {}
