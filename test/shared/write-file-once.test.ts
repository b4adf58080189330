import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileOnce } from '../../src/shared/write-file-once.ts';

describe('a file written once', () => {
  let folder: string;
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'aiguillage-once-'));
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('appears whole, readable by its owner only, with no draft left beside it', () => {
    const target = path.join(folder, 'secret.key');
    writeFileOnce(target, 'first\n', 0o600);
    expect(fs.readFileSync(target, 'utf8')).toBe('first\n');
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(folder)).toEqual(['secret.key']);
  });

  it('keeps the first content when another writer comes second', () => {
    const target = path.join(folder, 'secret.key');
    writeFileOnce(target, 'first\n', 0o600);
    writeFileOnce(target, 'second\n', 0o600);
    expect(fs.readFileSync(target, 'utf8')).toBe('first\n');
    expect(fs.readdirSync(folder)).toEqual(['secret.key']);
  });
});
