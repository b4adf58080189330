import type { Knex } from 'knex';
import { engineOf } from '../src/db/engine.ts';

/**
 * Rewrites `job_seekers` on PostgreSQL, so that no row keeps the commune code migration
 * 20261219020000 removed. PostgreSQL's `drop column` only hides a column: each row kept its value
 * in the table's file until written again, where the notice to job seekers says the code is not
 * kept. `VACUUM FULL` writes every live row anew, its dropped columns empty, into a new file, and
 * leaves the dead rows behind with the old one. It cannot run in a transaction, and locks the table
 * while it runs (once, at the upgrade: a table of a few hundred bytes a person). SQLite's
 * `drop column` rewrote each row, and its connections zero what they free (`secure_delete`).
 */
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  if (engineOf(knex) === 'postgres') await knex.raw('vacuum full ??', ['job_seekers']);
}

/** Nothing to undo: the rows hold what they held, without the codes. */
export async function down(): Promise<void> {}
