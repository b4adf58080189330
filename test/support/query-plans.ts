import type { Knex } from 'knex';
import { TEST_ENGINE } from './test-database.ts';

/** One statement as knex sent it. */
export interface Statement {
  sql: string;
  bindings: readonly unknown[];
}

/** The engine's plan of `statement`, in its own words (SQLite's steps joined by `; `). */
export async function explainPlan(db: Knex, statement: Statement): Promise<string> {
  const sql = statement.sql.replace(/\$\d+/g, '?');
  const result = await db.raw(`explain ${TEST_ENGINE === 'sqlite' ? 'query plan ' : ''}${sql}`, [
    ...statement.bindings,
  ] as Knex.RawBinding[]);
  return TEST_ENGINE === 'sqlite'
    ? (result as Array<{ detail: string }>).map((step) => step.detail).join('; ')
    : (result.rows as Array<Record<string, string>>).map((row) => row['QUERY PLAN']).join('\n');
}

/** The statements that open and close transactions: they have no plan. */
const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback|savepoint|release)\b/i;

/** Runs `work` on `db` and returns every statement it sent, in order. */
export async function recordStatements(db: Knex, work: () => Promise<unknown>): Promise<Statement[]> {
  const statements: Statement[] = [];
  const listen = ({ sql, bindings }: Statement) => statements.push({ sql, bindings });
  db.on('query', listen);
  try {
    await work();
  } finally {
    db.off('query', listen);
  }
  return statements;
}

/**
 * Runs `work` on `db` and returns every statement it sent (but those opening and closing
 * transactions), with the engine's plan of it.
 */
export async function readPlans(
  db: Knex,
  work: () => Promise<unknown>,
): Promise<Array<Statement & { plan: string }>> {
  const statements = await recordStatements(db, work);
  const plans = [];
  for (const statement of statements) {
    if (!TRANSACTION_CONTROL.test(statement.sql))
      plans.push({ ...statement, plan: await explainPlan(db, statement) });
  }
  return plans;
}
