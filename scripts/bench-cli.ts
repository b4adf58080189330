import { InvalidArgumentError } from 'commander';

/** What the benchmark scripts share: how they read a count option, and how they print a table. */

/** A count option's value (`--sets 1000`): a positive whole number, or commander's refusal. */
export function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isSafeInteger(count) || count < 1) throw new InvalidArgumentError('must be a positive integer');
  return count;
}

/** A table on stdout, indented, each column as wide as its widest cell. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    `   ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}`;
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}
