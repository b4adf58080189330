import type { Knex } from 'knex';
import { TEST_ENGINE, type TestDatabase } from './test-database.ts';
import { useTestDatabase } from './use-test-database.ts';

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

/** SQL expressions over `g`, by column: what row `g` of a bulk insert holds. */
export type BulkColumns = Readonly<Record<string, string>>;

/** Writes rows 1 to `count` into `table` in one statement, each column of row `g` from its expression. */
export async function insertSeries(
  db: Knex,
  table: string,
  count: number,
  columns: BulkColumns,
): Promise<void> {
  const names = Object.keys(columns).join(', ');
  await db.raw(
    `insert into ${table} (${names}) ${BULK_SQL.series(count, Object.values(columns).join(', '))}`,
  );
}

/**
 * `count` people, `js-1` to `js-<count>`, on the caseload of `c-1` or, given `counselors`, spread
 * over `c-0` to `c-<counselors - 1>` (person g on `c-<g % counselors>`).
 */
export async function insertPeople(
  db: Knex,
  count: number,
  { counselors }: { counselors?: number } = {},
): Promise<void> {
  const { text, yes, no } = BULK_SQL;
  await insertSeries(db, 'job_seekers', count, {
    id: `'js-' || ${text('g')}`,
    counselor_id: counselors === undefined ? "'c-1'" : `'c-' || ${text(`g % ${counselors}`)}`,
    target_occupations: `'["M1805"]'`,
    education_level: '4',
    skills: "'[]'",
    years_experience: '1',
    months_unemployed: '1',
    mobility_radius_km: '30',
    remote_ok: yes,
    ai_objection: no,
    created_at: "'2026-01-01T00:00:00.000Z'",
    updated_at: "'2026-01-01T00:00:00.000Z'",
  });
}

/**
 * `count` sets for the people `seeker_id` names, `set-1` to `set-<count>` unless `id` says otherwise:
 * by default made by `c-1` on 2026-01-01, published, kept until 2027, by no model, with no second
 * review; `columns` add to or replace those.
 */
export function insertSets(
  db: Knex,
  count: number,
  columns: BulkColumns & { seeker_id: string },
): Promise<void> {
  const { text, no } = BULK_SQL;
  return insertSeries(db, 'recommendation_sets', count, {
    id: `'set-' || ${text('g')}`,
    counselor_id: "'c-1'",
    status: "'published'",
    created_by: "'c-1'",
    created_at: "'2026-01-01T00:00:00.000Z'",
    expires_at: "'2027-01-01T00:00:00.000Z'",
    version: '1',
    second_review_required: no,
    blind_first: no,
    ...columns,
  });
}

/**
 * `count` items approved, two a set: `item-<g>` in `set-<(g + 1) / 2>`, on `course-0` or `course-1`
 * in turn, unless `columns` say otherwise.
 */
export function insertItems(db: Knex, count: number, columns: BulkColumns = {}): Promise<void> {
  const { text } = BULK_SQL;
  return insertSeries(db, 'recommendation_items', count, {
    id: `'item-' || ${text('g')}`,
    set_id: `'set-' || ${text('(g + 1) / 2')}`,
    course_id: `'course-' || ${text('g % 2')}`,
    course_snapshot: "'{}'",
    attributions: "'[]'",
    counselor_explanation: "''",
    seeker_explanation: "'{}'",
    source: "'model'",
    decision: "'approved'",
    ...columns,
  });
}

/**
 * `count` answers of the people `seeker_id` names, written at `created_at`: `fb-<g>`, "interested"
 * without a comment, on `item-<g>`, unless `columns` say otherwise.
 */
export function insertAnswers(
  db: Knex,
  count: number,
  columns: BulkColumns & { seeker_id: string; created_at: string },
): Promise<void> {
  const { text } = BULK_SQL;
  return insertSeries(db, 'feedback', count, {
    id: `'fb-' || ${text('g')}`,
    item_id: `'item-' || ${text('g')}`,
    response: "'interested'",
    comment: 'null',
    ...columns,
  });
}

/**
 * `count` events of the decision log, row g at `seq`: by default written by a counselor, each with an
 * id of its own, their hashes chaining nothing (a test sets the log's head itself).
 */
export function insertEvents(
  db: Knex,
  count: number,
  columns: BulkColumns & { seq: string; type: string; occurred_at: string; payload: string },
): Promise<void> {
  return insertSeries(db, 'decision_events', count, {
    event_id: POSTGRES ? `md5(${BULK_SQL.text(columns.seq)})` : 'lower(hex(randomblob(16)))',
    actor_role: "'counselor'",
    prev_hash: `'${'0'.repeat(64)}'`,
    hash: `'${'1'.repeat(64)}'`,
    ...columns,
  });
}

/** The database of the query-plan tests of one `describe`, open while they run. */
export interface PlanDatabase {
  readonly db: Knex;
}

/**
 * A fresh migrated database for the tests of the enclosing `describe`, filled by `fill` before them
 * (then, on PostgreSQL, with the statistics of `analyze`'s tables taken, as a deployment's
 * autovacuum would have: the whole database's by default) and dropped after them.
 */
export function usePlanDatabase(
  fill: (db: Knex, database: TestDatabase) => Promise<void>,
  { analyze = '' }: { analyze?: string } = {},
): PlanDatabase {
  return useTestDatabase({
    fill: async (db, database) => {
      await fill(db, database);
      if (POSTGRES) await db.raw(`analyze ${analyze}`);
    },
    timeout: 180_000,
  });
}
