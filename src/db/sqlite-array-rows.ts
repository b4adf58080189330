import type { Knex } from 'knex';

/** The part of a better-sqlite3 statement this module uses. */
interface ArrayReadingStatement {
  raw(toggle: boolean): ArrayReadingStatement;
  all(...bindings: unknown[]): unknown[];
}

interface ArrayReadingConnection {
  prepare(sql: string): ArrayReadingStatement;
}

/**
 * Runs one SQLite select on the pool's connection and returns its rows as arrays of column
 * values, in the order of the select list. knex only hands back one object per row; for the
 * few reads that go through hundreds of thousands of rows (verifying the decision log), building
 * those objects costs a sixth of the whole read. The statement is put back in object mode
 * afterwards, since the connection's statement cache may hand it to knex later.
 */
export async function selectArrayRows(
  db: Knex,
  sql: string,
  bindings: readonly unknown[],
): Promise<unknown[][]> {
  const connection = (await db.client.acquireConnection()) as ArrayReadingConnection;
  try {
    const statement = connection.prepare(sql);
    try {
      return statement.raw(true).all(...bindings) as unknown[][];
    } finally {
      statement.raw(false);
    }
  } finally {
    await db.client.releaseConnection(connection);
  }
}
