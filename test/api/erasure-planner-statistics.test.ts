import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parisDayOf } from '../../src/shared/french-day.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';
import {
  aWorkflowSeeker,
  createAndPublish,
  createSet,
  decide,
  eraseJobSeeker,
  readSet,
  seedCatalogAndSeeker,
} from '../support/workflow.ts';

const SEEKER = `js-stat-${crypto.randomBytes(4).toString('hex')}`;
const COMMENT = `Refusée, voir TKSTAT${crypto.randomBytes(4).toString('hex')}`;
const FEEDBACK = `Merci TKFEED${crypto.randomBytes(4).toString('hex')}`;
const OTHERS = ['js-a', 'js-b', 'js-c', 'js-d'];

/**
 * The erased person, with others on the caseload (a table of one row has no histogram): each has a
 * set whose first item is rejected with a comment (a column of one value has no histogram either);
 * only the erased person gave feedback (twice) and has an outcome, so that the erasure leaves those
 * tables empty.
 */
async function seedPeople(t: TestApp): Promise<void> {
  const counselor = await t.tokenFor('counselor', 'c-001');
  await seedCatalogAndSeeker(t, SEEKER, aWorkflowSeeker());
  for (const other of OTHERS) await seedCatalogAndSeeker(t, other);
  for (const [seekerId, comment] of [
    [SEEKER, COMMENT],
    ['js-a', 'Autre personne, autre raison'],
  ] as const) {
    const { set: created } = await createSet(t, counselor, seekerId, { limit: 2 });
    const { set, etag } = await readSet(t, counselor, created.id);
    const [item] = set.items;
    if (item === undefined) throw new Error('needs an item');
    const res = await decide(t, counselor, set.id, item.itemId, etag, {
      decision: 'reject',
      reasonCode: 'other',
      comment,
    });
    expect(res.status).toBe(200);
  }
  // Two answers: a column of one row has no most common values.
  const published = await createAndPublish(t, counselor, SEEKER, { approve: 2 });
  const [approved, second] = published.items.filter((item) => item.decision === 'approved');
  if (approved === undefined || second === undefined) throw new Error('needs two approved items');
  for (const [item, comment] of [
    [approved, FEEDBACK],
    [second, `${FEEDBACK} bis`],
  ] as const) {
    const feedback = await t.http
      .post(`/v1/me/recommendations/${item.itemId}/feedback`)
      .auth(await t.tokenFor('job_seeker', SEEKER), { type: 'bearer' })
      .send({ response: 'interested', comment });
    expect(feedback.status).toBe(201);
  }
  const outcome = await t.http
    .put(`/v1/job-seekers/${SEEKER}/outcomes/${approved.course.id}`)
    .auth(await t.tokenFor('integration', 'svc-crm'), { type: 'bearer' })
    .send({
      entered: true,
      employedWithinSixMonths: null,
      observedAt: parisDayOf(new Date()),
    });
  expect(outcome.status).toBe(201);
}

async function erase(t: TestApp): Promise<void> {
  const admin = await t.tokenFor('admin', 'ops-1');
  const erased = await eraseJobSeeker(t, admin, SEEKER);
  expect(erased.status).toBe(204);
}

/**
 * PostgreSQL samples every table's columns into `pg_statistic` (readable through the `pg_stats`
 * view) each time it analyzes it: autovacuum does so on its own once enough rows changed, as on any
 * deployment with more than a handful of people. Those samples hold the values themselves
 * (`most_common_vals`, `histogram_bounds`).
 */
describe.skipIf(TEST_ENGINE !== 'postgres')('the planner statistics of PostgreSQL after an erasure', () => {
  let t: TestApp;
  let before: Array<{ tablename: string; attname: string }>;
  let tablesBefore: unknown;

  /** The definition of the tables the erasure empties: columns, indexes, constraints. */
  const describeTables = async () => {
    const tables = ['feedback', 'course_outcomes'];
    const { db } = t.container;
    return {
      columns: await db('information_schema.columns')
        .where({ table_schema: db.raw('current_schema()') })
        .whereIn('table_name', tables)
        .orderBy(['table_name', 'ordinal_position'])
        .select(
          'table_name',
          'column_name',
          'data_type',
          'character_maximum_length',
          'collation_name',
          'is_nullable',
          'column_default',
        ),
      indexes: await db('pg_indexes')
        .where({ schemaname: db.raw('current_schema()') })
        .whereIn('tablename', tables)
        .orderBy('indexname')
        .select('indexname', 'indexdef'),
      constraints: (
        (await db.raw(
          `select conname, pg_get_constraintdef(oid) as definition from pg_constraint
            where conrelid in ('feedback'::regclass, 'course_outcomes'::regclass) order by conname`,
        )) as { rows: unknown[] }
      ).rows,
    };
  };

  /** The columns whose statistics hold `value` (anywhere in their row of `pg_stats`). */
  const statisticsHolding = async (value: string) =>
    (
      (await t.container.db.raw(
        `select tablename, attname from pg_stats s
          where schemaname = current_schema() and s::text like ? order by tablename, attname`,
        [`%${value}%`],
      )) as { rows: Array<{ tablename: string; attname: string }> }
    ).rows;

  beforeAll(async () => {
    t = await startTestApp();
    await seedPeople(t);
    // What autovacuum's autoanalyze does by itself on a live deployment.
    await t.container.db.raw('analyze');
    before = await statisticsHolding(SEEKER);
    tablesBefore = await describeTables();
    await erase(t);
  });
  afterAll(() => t.close());

  it('held the person’s id in the statistics of the tables before the erasure', () => {
    expect(before.map((row) => row.tablename)).toEqual(expect.arrayContaining(['feedback', 'job_seekers']));
  });

  it('leaves the erased person’s id and texts in no column statistics (pg_stats)', async () => {
    expect({
      id: await statisticsHolding(SEEKER),
      comment: await statisticsHolding(COMMENT),
      feedback: await statisticsHolding(FEEDBACK),
    }).toEqual({ id: [], comment: [], feedback: [] });
  });

  it('keeps no statistics of a table the erasure left empty, its columns, indexes and constraints as they were', async () => {
    expect(await t.container.db('feedback').count({ n: '*' })).toEqual([{ n: '0' }]);
    expect(await t.container.db('pg_stats').where({ tablename: 'feedback' })).toEqual([]);
    expect(await describeTables()).toEqual(tablesBefore);
    const items = await t.container
      .db('pg_stat_user_tables')
      .where({ relname: 'recommendation_items' })
      .first('last_analyze');
    expect(items?.last_analyze).not.toBeNull();
    // Written to again as before.
    const counselor = await t.tokenFor('counselor', 'c-001');
    const published = await createAndPublish(t, counselor, 'js-b', { approve: 1 });
    const approved = published.items.find((item) => item.decision === 'approved');
    const feedback = await t.http
      .post(`/v1/me/recommendations/${approved?.itemId}/feedback`)
      .auth(await t.tokenFor('job_seeker', 'js-b'), { type: 'bearer' })
      .send({ response: 'not_interested', comment: 'Trop loin' });
    expect(feedback.status).toBe(201);
  });
});

/**
 * SQLite keeps statistics only once ANALYZE has run, which the application never does; an operator
 * may (`sqlite3 … ANALYZE`, `PRAGMA optimize`). With STAT4 (as better-sqlite3 builds it),
 * `sqlite_stat4` then holds sampled index entries: the ids of the people and sets themselves.
 */
describe.skipIf(TEST_ENGINE !== 'sqlite')('the SQLite statistics after an erasure', () => {
  let t: TestApp;
  let before: unknown[];

  const samplesHolding = async (value: string) =>
    (await t.container.db('sqlite_stat4').select('tbl', 'idx', 'sample')).filter((row) =>
      Buffer.from(row.sample as Uint8Array).includes(Buffer.from(value, 'utf8')),
    );

  beforeAll(async () => {
    t = await startTestApp();
    await seedPeople(t);
    // An operator's ANALYZE.
    await t.container.db.raw('analyze');
    before = await samplesHolding(SEEKER);
    await erase(t);
  });
  afterAll(() => t.close());

  it('held the person’s id in the samples before the erasure', () => {
    expect(before).not.toEqual([]);
  });

  it('leaves the erased person’s id in no sample, and in neither the file nor its write-ahead log', async () => {
    const base = path.join(t.config.dataDir, 'aiguillage.sqlite');
    const files = [base, `${base}-wal`]
      .filter((file) => fs.existsSync(file))
      .filter((file) => fs.readFileSync(file).includes(Buffer.from(SEEKER, 'utf8')))
      .map((file) => path.basename(file));
    expect({ samples: await samplesHolding(SEEKER), files }).toEqual({ samples: [], files: [] });
  });

  it('keeps the samples of the rows left', async () => {
    expect(await samplesHolding('js-a')).not.toEqual([]);
  });
});
