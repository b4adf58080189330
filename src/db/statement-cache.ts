/** The part of a better-sqlite3 connection the cache wraps. */
export interface PreparingConnection {
  prepare(sql: string): unknown;
}

/** Statements kept per connection: the application sends a few dozen distinct ones. */
export const STATEMENT_CACHE_CAPACITY = 256;

/**
 * Makes `connection.prepare` hand back the statement it prepared before for the same SQL text,
 * keeping the `capacity` most recently used. knex prepares every statement it sends, and parsing
 * and planning one again costs tens of microseconds (a decision-log append sends two, a
 * suggestion a dozen). Reusing a statement is safe: knex runs each to completion (`all` or `run`)
 * before sending the next, and SQLite prepares a statement again by itself after a schema change.
 */
export function cacheStatements(connection: PreparingConnection, capacity = STATEMENT_CACHE_CAPACITY): void {
  const prepare = connection.prepare.bind(connection);
  const statements = new Map<string, unknown>();
  connection.prepare = (sql: string) => {
    const cached = statements.get(sql);
    if (cached !== undefined) {
      // Moved to the end: the map's first entry is always the least recently used.
      statements.delete(sql);
      statements.set(sql, cached);
      return cached;
    }
    const statement = prepare(sql);
    statements.set(sql, statement);
    if (statements.size > capacity) {
      const oldest = statements.keys().next().value;
      if (oldest !== undefined) statements.delete(oldest);
    }
    return statement;
  };
}
