import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MIN_DATABASE_POOL_MAX } from '../../src/config.ts';
import { openDatabase } from '../../src/db/database.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';
import { requestSet, seedCatalogAndSeeker } from '../support/workflow.ts';

/** The pool knex built; a PostgreSQL pool opens no connection until a query needs one. */
function poolOf(db: Knex): { min: number; max: number } {
  const { pool } = db.client as { pool: { min: number; max: number } };
  return { min: pool.min, max: pool.max };
}

describe('the database pool', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiguillage-pool-'));
  // Nothing listens on port 1: a query would fail, so these tests show that none is made.
  const unreachable = 'postgres://aiguillage@127.0.0.1:1/aiguillage';
  const opened: Knex[] = [];
  const open = (...args: Parameters<typeof openDatabase>) => {
    const db = openDatabase(...args);
    opened.push(db);
    return db;
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.destroy()));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('opens up to poolMax PostgreSQL connections', () => {
    expect(poolOf(open({ databaseUrl: unreachable, dataDir, poolMax: 3 }))).toEqual({ min: 0, max: 3 });
  });

  it('opens up to 10 PostgreSQL connections when told no number', () => {
    expect(poolOf(open({ databaseUrl: unreachable, dataDir }))).toEqual({ min: 0, max: 10 });
  });

  it('keeps SQLite on one connection whatever poolMax says', () => {
    expect(poolOf(open({ databaseUrl: undefined, dataDir, poolMax: 30 }))).toEqual({ min: 1, max: 1 });
  });
});

describe('the database pool of the running API, with DATABASE_POOL_MAX=3', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { DATABASE_POOL_MAX: '3' } });
  });
  afterAll(() => t.close());

  it(`has ${TEST_ENGINE === 'postgres' ? '3 connections at most on PostgreSQL' : 'one connection on SQLite'}`, async () => {
    expect((await t.http.get('/readyz')).body.checks.database).toBe('ok');
    expect(poolOf(t.container.db).max).toBe(TEST_ENGINE === 'postgres' ? 3 : 1);
  });
});

describe('the API with the smallest pool DATABASE_POOL_MAX admits', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { DATABASE_POOL_MAX: String(MIN_DATABASE_POOL_MAX) } });
  });
  afterAll(() => t.close());

  it('migrates an empty database, starts and serves a suggestion', async () => {
    expect((await t.http.get('/readyz')).status).toBe(200);
    await seedCatalogAndSeeker(t, 'js-small-pool');
    const counselor = await t.tokenFor('counselor', 'c-001');
    expect((await requestSet(t, counselor, 'js-small-pool')).status).toBe(201);
  });
});
