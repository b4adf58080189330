/**
 * Whether a write failed because a row it points to is gone (SQLite's and PostgreSQL's foreign-key
 * violation): a race with a deletion, not a bug.
 */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}
