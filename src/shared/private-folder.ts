import fs from 'node:fs';

/**
 * Creates `folder` (and its missing parents) open to its owner only: the data folder holds the
 * database, in which personal data is in clear, and the keys. A folder that exists is left as the
 * deployer made it.
 */
export function createPrivateFolder(folder: string): void {
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
}

/**
 * Makes sure `file` exists, created readable and writable by its owner only: SQLite opens a file
 * that exists as it is, but creates a missing one readable by every local account.
 */
export function ensurePrivateFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', 0o600));
}
