import fs from 'node:fs';

/**
 * The SQLite file as `/readyz` reports it: `file_missing` once the file opened at start is gone from
 * its path, `file_replaced` once another file stands there. SQLite goes on answering from the file it
 * holds open, and every write after it would be lost at the next start.
 */
export type DatabaseFileCheck = 'ok' | 'file_missing' | 'file_replaced';

/**
 * Reads which file `file` is now (its device and inode), and returns the check that compares the file
 * at that path with it. Called once the database is open, so that the file read is the one opened.
 */
export async function watchDatabaseFile(file: string): Promise<() => Promise<DatabaseFileCheck>> {
  const opened = await fs.promises.stat(file, { bigint: true });
  return async () => {
    const current = await statIfExists(file);
    if (current === undefined) return 'file_missing';
    return current.dev === opened.dev && current.ino === opened.ino ? 'ok' : 'file_replaced';
  };
}

async function statIfExists(file: string): Promise<fs.BigIntStats | undefined> {
  try {
    return await fs.promises.stat(file, { bigint: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
