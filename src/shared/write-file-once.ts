import crypto from 'node:crypto';
import fs from 'node:fs';

/**
 * Creates `target` with `content` unless it exists, so that it appears whole or not at all: the
 * content goes to a file of its own first, then is linked into place, which fails when another
 * process got there first (its file then wins). Written in place, a file read by another process
 * starting at the same moment could be read empty or cut short.
 */
export function writeFileOnce(target: string, content: string, mode: number): void {
  const draft = `${target}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(draft, content, { mode, flag: 'wx' });
  try {
    fs.linkSync(draft, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(draft, { force: true });
  }
}
