/**
 * One page of a list read with one item more than `limit`: the first `limit` items, and the last of
 * them as `next` (where the next page starts after) only when that one more item was there.
 */
export function takePage<T>(found: readonly T[], limit: number): { items: T[]; next: T | undefined } {
  const items = found.slice(0, limit);
  return { items, next: found.length > limit ? items.at(-1) : undefined };
}
