import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../vitest.config.ts';

const testRoot = path.resolve(import.meta.dirname, '..');

/** Every TypeScript file under test/, with its path from there. */
function listTestSources(folder = testRoot): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return listTestSources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/**
 * The suite's files share their worker's modules (vitest.config.ts, `isolate: false`): a module
 * replaced by one file would be the replacement, or not, in the next file the worker runs, depending
 * on the order. So no test file replaces a module; a test counts or reads what it needs instead.
 */
describe('test files sharing a worker', () => {
  it('is how the suite runs', () => {
    expect(config.test?.isolate).toBe(false);
  });

  it('never replace a module (vi.mock, vi.doMock), which would leak into the files run after them', () => {
    const replacing = listTestSources()
      .filter((file) => /\bvi\s*\.\s*(do)?[mM]ock\s*\(/.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(testRoot, file));
    expect(replacing).toEqual([]);
  });
});
