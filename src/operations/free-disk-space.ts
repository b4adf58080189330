import fs from 'node:fs';

/**
 * Bytes an unprivileged process may still write on the file system holding `dir`. A port, so that
 * tests can stand in a full disk without filling one; `readFreeBytes` reads the real one.
 */
export type ReadFreeBytes = (dir: string) => Promise<number>;

/** The file system's blocks free for unprivileged users (`bavail`, not `bfree`), in bytes. */
export const readFreeBytes: ReadFreeBytes = async (dir) => {
  const stats = await fs.promises.statfs(dir);
  return stats.bavail * stats.bsize;
};
