/**
 * `items` cut into consecutive slices of at most `size`: what one statement binds at a time, since
 * SQLite refuses more than 32,766 bound parameters and PostgreSQL more than 65,535.
 */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
