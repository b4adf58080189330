import type { Knex } from 'knex';
import { afterAll, beforeAll } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrations.ts';
import { indexOfMigration, migrateFirst } from './migrate-first.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

/**
 * Which migrations a test database gets before its tests: all of them, none (a migration test that
 * migrates step by step itself), or those before the one a migration test is about.
 */
export type TestMigrations = 'all' | 'none' | { before: string };

/** A fresh database on the test engine, opened as the app opens it. */
export interface OpenTestDatabase {
  readonly database: TestDatabase;
  readonly db: Knex;
  /** Closes the connections, then drops the database and its data folder. */
  close(): Promise<void>;
}

function migrate(db: Knex, migrations: TestMigrations): Promise<unknown> {
  if (migrations === 'all') return migrateToLatest(db);
  if (migrations === 'none') return Promise.resolve();
  return migrateFirst(db, indexOfMigration(migrations.before));
}

/** Creates, opens and migrates a fresh database; dropped again when any of that fails. */
export async function openTestDatabase(migrations: TestMigrations = 'all'): Promise<OpenTestDatabase> {
  const database = await createTestDatabase();
  let db: Knex | undefined;
  const close = async () => {
    await db?.destroy();
    await database.drop();
  };
  try {
    db = openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    await migrate(db, migrations);
    return { database, db, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface TestDatabaseOptions {
  /** Which migrations to apply before the tests: all by default. */
  migrations?: TestMigrations;
  /** Writes what the tests start from, once migrated. */
  fill?: (db: Knex, database: TestDatabase) => Promise<void>;
  /** How long opening, migrating and filling may take: vitest's hook timeout by default. */
  timeout?: number;
}

/** The database of the tests of one `describe` (or file), open while they run. */
export interface UsedTestDatabase {
  readonly database: TestDatabase;
  readonly db: Knex;
}

/**
 * A fresh database for the tests of the enclosing `describe` (or file): opened and migrated (see
 * `migrations`), filled by `fill`, before them; closed and dropped after them, even when opening it
 * failed half way. Call it before the suite's own hooks, so that theirs run before it is dropped.
 */
export function useTestDatabase({
  migrations = 'all',
  fill,
  timeout,
}: TestDatabaseOptions = {}): UsedTestDatabase {
  let opened: OpenTestDatabase | undefined;
  beforeAll(async () => {
    opened = await openTestDatabase(migrations);
    await fill?.(opened.db, opened.database);
  }, timeout);
  afterAll(async () => {
    await opened?.close();
  });
  const current = () => {
    if (opened === undefined) throw new Error('the test database opens before the tests of its describe');
    return opened;
  };
  return {
    get database() {
      return current().database;
    },
    get db() {
      return current().db;
    },
  };
}
