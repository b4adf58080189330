import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { selectArrayRows } from '../../src/db/sqlite-array-rows.ts';

describe('selectArrayRows on SQLite', () => {
  let dataDir: string;
  let db: Knex;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiguillage-array-rows-'));
    db = openDatabase({ databaseUrl: undefined, dataDir });
    await db.schema.createTable('t', (table) => {
      table.integer('a');
      table.text('b');
    });
    await db('t').insert([
      { a: 1, b: 'one' },
      { a: 2, b: null },
    ]);
  });
  afterEach(async () => {
    await db.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('returns each row as its values in select-list order, with the bindings applied', async () => {
    expect(await selectArrayRows(db, 'select b, a from t where a >= ? order by a', [1])).toEqual([
      ['one', 1],
      [null, 2],
    ]);
    expect(await selectArrayRows(db, 'select b, a from t where a >= ? order by a', [2])).toEqual([[null, 2]]);
  });

  it('leaves the cached statement reading objects, as knex expects it', async () => {
    const sql = 'select a from t order by a';
    await selectArrayRows(db, sql, []);
    expect(await db.raw(sql)).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('gives the connection back after a failing statement', async () => {
    await expect(selectArrayRows(db, 'select x from nowhere', [])).rejects.toThrow(/no such table/);
    await expect(selectArrayRows(db, 'select count(*) from t where a > ?', [0])).resolves.toEqual([[2]]);
    expect(await db('t').count({ n: '*' })).toEqual([{ n: 2 }]);
  });
});
