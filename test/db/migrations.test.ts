import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineOf, openDatabase } from '../../src/db/database.ts';
import { listPendingMigrations, migrateToLatest, rollbackAll } from '../../src/db/migrations.ts';
import { createTestDatabase, TEST_ENGINE, type TestDatabase } from '../support/test-database.ts';

/** Tables the first migrations create; the schema snapshot covers any later ones too. */
const CORE_TABLES = ['course_occupations', 'courses', 'job_seekers'];

describe('migrations', () => {
  let database: TestDatabase;
  let db: Knex;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  it('runs on the engine this test run asks for', () => {
    expect(engineOf(db)).toBe(TEST_ENGINE);
  });

  it('creates the schema, removes every table on a full rollback, then creates the same schema again', async () => {
    await migrateToLatest(db);
    const first = await describeSchema(db);
    expect(Object.keys(first)).toEqual(expect.arrayContaining(CORE_TABLES));
    expect(await listPendingMigrations(db)).toEqual([]);
    const applied = await listAppliedMigrations(db);
    expect(applied.length).toBeGreaterThan(0);

    expect(await rollbackAll(db)).toEqual([...applied].reverse());
    expect(await describeSchema(db)).toEqual({});
    expect(await listAppliedMigrations(db)).toEqual([]);
    expect(await listPendingMigrations(db)).toEqual(applied);

    await migrateToLatest(db);
    expect(await describeSchema(db)).toEqual(first);
    expect(await listPendingMigrations(db)).toEqual([]);
  });

  it('migrates an up-to-date database without changing anything', async () => {
    await migrateToLatest(db);
    const before = await describeSchema(db);
    await migrateToLatest(db);
    expect(await describeSchema(db)).toEqual(before);
  });
});

/** Application tables (knex's own bookkeeping left out) with their column names and types. */
describe.runIf(TEST_ENGINE === 'postgres')('migrations started by two processes at once', () => {
  it('bring an empty PostgreSQL database to the latest schema once, both processes starting', async () => {
    const database = await createTestDatabase();
    const processes = [1, 2].map(() =>
      openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir }),
    );
    try {
      const ran = await Promise.all(processes.map((db) => migrateToLatest(db)));
      const applied = await listAppliedMigrations(processes[0] as Knex);
      expect(ran.flat().sort()).toEqual([...applied].sort());
      expect(await listPendingMigrations(processes[1] as Knex)).toEqual([]);
    } finally {
      for (const db of processes) await db.destroy();
      await database.drop();
    }
  });
});

async function describeSchema(db: Knex): Promise<Record<string, Record<string, string>>> {
  const schema: Record<string, Record<string, string>> = {};
  for (const table of await listApplicationTables(db)) {
    const columns = await db(table).columnInfo();
    schema[table] = Object.fromEntries(
      Object.entries(columns)
        .map(([name, info]): [string, string] => [name, info.type])
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  }
  return schema;
}

async function listApplicationTables(db: Knex): Promise<string[]> {
  const rows: Array<{ name: string }> =
    engineOf(db) === 'postgres'
      ? await db('information_schema.tables')
          .select('table_name as name')
          .whereRaw('table_schema = current_schema()')
      : await db('sqlite_master')
          .select('name')
          .where({ type: 'table' })
          .whereNot('name', 'like', 'sqlite_%');
  return rows
    .map((row) => row.name)
    .filter((name) => !name.startsWith('knex_migrations'))
    .sort();
}

async function listAppliedMigrations(db: Knex): Promise<string[]> {
  return db('knex_migrations').orderBy('id').pluck('name');
}
