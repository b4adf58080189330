/**
 * Normalisers for values read back from either engine: SQLite gives booleans as 0/1 and JSON as
 * text; PostgreSQL gives counts and bigints as strings. Stores use these and nothing else.
 */
export function readBoolean(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
}

export function readNumber(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) throw new Error(`expected a number from the database, got ${String(value)}`);
  return n;
}

export function readNullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : readNumber(value);
}

export function readNullableString(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

export function readStringArray(value: unknown): string[] {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (!Array.isArray(parsed)) throw new Error('expected a JSON array from the database');
  return parsed.map(String);
}

export function readJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}
