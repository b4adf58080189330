import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheStatements } from '../../src/db/statement-cache.ts';

describe('the SQLite statement cache', () => {
  let connection: Database.Database;

  beforeEach(() => {
    connection = new Database(':memory:');
    connection.exec('create table t (a integer); insert into t values (1)');
  });
  afterEach(() => {
    connection.close();
  });

  it('hands back the statement prepared before for the same SQL, and reads the current rows', () => {
    cacheStatements(connection);
    const first = connection.prepare('select a from t order by a');
    expect(connection.prepare('select a from t order by a')).toBe(first);
    expect(connection.prepare('select a from t where a > 0')).not.toBe(first);
    connection.prepare('insert into t values (?)').run(2);
    expect(connection.prepare('select a from t order by a').all()).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('follows a schema change with the statement it holds', () => {
    cacheStatements(connection);
    expect(connection.prepare('select * from t').all()).toEqual([{ a: 1 }]);
    connection.exec(`alter table t add column b text default 'x'`);
    expect(connection.prepare('select * from t').all()).toEqual([{ a: 1, b: 'x' }]);
    connection.exec('drop table t');
    expect(() => connection.prepare('select * from t').all()).toThrow(/no such table/);
  });

  it('keeps the most recently used statements up to its capacity', () => {
    cacheStatements(connection, 2);
    const one = connection.prepare('select 1');
    const two = connection.prepare('select 2');
    expect(connection.prepare('select 1')).toBe(one);
    connection.prepare('select 3');
    // "select 2" was the least recently used: it made room for "select 3".
    expect(connection.prepare('select 1')).toBe(one);
    expect(connection.prepare('select 2')).not.toBe(two);
  });
});
