import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';

/**
 * Where a test file's database lives. Set `TEST_DATABASE_URL` (an admin connection to a
 * PostgreSQL server) to run on PostgreSQL; otherwise each file gets a SQLite file of its own.
 */
export interface TestDatabase {
  engine: 'sqlite' | 'postgres';
  /** For `DATABASE_URL`; undefined on SQLite. */
  databaseUrl: string | undefined;
  /** A fresh folder for the SQLite file and local keys. */
  dataDir: string;
  drop(): Promise<void>;
}

export const TEST_ENGINE: 'sqlite' | 'postgres' = process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite';

/** A fresh, empty database (not migrated) and data folder for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiguillage-test-'));
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl === undefined || adminUrl === '') {
    return {
      engine: 'sqlite',
      databaseUrl: undefined,
      dataDir,
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `aiguillage_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = knex({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`create database ${name}`);
  await admin.destroy();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    engine: 'postgres',
    databaseUrl: url.toString(),
    dataDir,
    drop: async () => {
      const cleanup = knex({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } });
      await cleanup.raw(`drop database if exists ${name} with (force)`);
      await cleanup.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
