import type { GeoPoint } from '../shared/geo.ts';

/**
 * Normalisers for values read back from either engine: SQLite gives booleans as 0/1 and JSON as
 * text; PostgreSQL gives counts and bigints as strings. Stores use these and nothing else.
 */
export function readBoolean(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
}

export function readNullableBoolean(value: unknown): boolean | null {
  return value === null || value === undefined ? null : readBoolean(value);
}

export function readNumber(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) throw new Error(`expected a number from the database, got ${String(value)}`);
  return n;
}

export function readNullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : readNumber(value);
}

/**
 * The place held in a row's nullable `lat` and `lon` columns. A row with only one of the two set
 * has no usable place, so it reads as none rather than as half a point.
 */
export function readGeoPoint(row: { lat?: unknown; lon?: unknown }): GeoPoint | null {
  const lat = readNullableNumber(row.lat);
  const lon = readNullableNumber(row.lon);
  return lat === null || lon === null ? null : { lat, lon };
}

/** The `lat` and `lon` columns for a place, both null when there is none (see {@link readGeoPoint}). */
export function toGeoPointColumns(point: GeoPoint | null): { lat: number | null; lon: number | null } {
  return { lat: point?.lat ?? null, lon: point?.lon ?? null };
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
