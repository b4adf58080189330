/**
 * Orders two strings by UTF-16 code unit: the same on every host, whatever its locale (`localeCompare`
 * follows the process's `LANG`, so two processes could rank or list the same data differently), and
 * for the ASCII ids and ISO times it orders, SQL's binary order.
 */
export function compareText(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
