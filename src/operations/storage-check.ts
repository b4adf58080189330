/** One mebibyte: `MIN_FREE_DISK_MB` counts in these, as `JSON_BODY_LIMIT`'s `mb` does. */
const BYTES_PER_MB = 2 ** 20;

/**
 * The SQLite data folder's disk as `/readyz` reports it: `low_disk` when less than `minFreeMb` is
 * free, since every write (the decision log's first) would then fail.
 */
export function checkStorage(freeBytes: number, minFreeMb: number): 'ok' | 'low_disk' {
  return freeBytes < minFreeMb * BYTES_PER_MB ? 'low_disk' : 'ok';
}
