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

const POSTGRES = TEST_ENGINE === 'postgres';

/** SQL written for the test engine, to fill tables by the thousand in one statement. */
export const BULK_SQL = {
  /** `select <select>` over the numbers 1 to `n`, each named `g`. */
  series: (n: number, select: string) =>
    POSTGRES
      ? `select ${select} from generate_series(1, ${n}) g`
      : `with recursive n(g) as (select 1 union all select g + 1 from n where g < ${n}) select ${select} from n`,
  text: (expr: string) => (POSTGRES ? `(${expr})::text` : `cast(${expr} as text)`),
  yes: POSTGRES ? 'true' : '1',
  no: POSTGRES ? 'false' : '0',
  /** The time `second` seconds after 2026-01-01, as the stores write times. */
  at: (second: string) =>
    POSTGRES
      ? `to_char(timestamp '2026-01-01' + (${second}) * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.000"Z"')`
      : `strftime('%Y-%m-%dT%H:%M:%S.000Z', '2026-01-01', '+' || (${second}) || ' seconds')`,
} as const;

/** `count` people, `js-1` to `js-<count>`, on the caseload of `c-1`. */
export async function insertPeople(db: Knex, count: number): Promise<void> {
  const { series, text, yes, no } = BULK_SQL;
  await db.raw(
    `insert into job_seekers (id, counselor_id, target_occupations, education_level, skills, years_experience, months_unemployed, mobility_radius_km, remote_ok, ai_objection, created_at, updated_at) ${series(
      count,
      `'js-' || ${text('g')}, 'c-1', '["M1805"]', 4, '[]', 1, 1, 30, ${yes}, ${no}, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'`,
    )}`,
  );
}
