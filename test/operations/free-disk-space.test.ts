import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFreeBytes } from '../../src/operations/free-disk-space.ts';

describe('readFreeBytes', () => {
  it('reads the free space of the disk holding a folder, in whole bytes', async () => {
    const free = await readFreeBytes(os.tmpdir());
    expect(Number.isInteger(free)).toBe(true);
    expect(free).toBeGreaterThan(0);
  });

  it('fails for a folder that does not exist', async () => {
    await expect(readFreeBytes(path.join(os.tmpdir(), 'aiguillage-no-such-folder', 'x'))).rejects.toThrow();
  });
});
