import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createTestDatabase, TEST_ENGINE, type TestDatabase } from '../support/test-database.ts';
import { aWorkflowSeeker, seedCatalogAndSeeker } from '../support/workflow.ts';

/**
 * The SQLite database holds every profile, comment and message in clear; the key files next to it
 * are written readable by their owner only (0600). A database readable by every local account
 * makes that care moot: whoever may log in on the machine reads all the personal data.
 */
describe.skipIf(TEST_ENGINE !== 'sqlite')('the files the API creates under DATA_DIR', () => {
  let t: TestApp;
  let dataDir: string;
  let parent: TestDatabase;

  beforeAll(async () => {
    // A DATA_DIR that does not exist yet, as ./data on a first `npm start`.
    parent = await createTestDatabase();
    dataDir = path.join(parent.dataDir, 'data');
    t = await startTestApp({ database: { ...parent, dataDir } });
    await seedCatalogAndSeeker(t, 'js-perm-1', aWorkflowSeeker({ skills: ['canary-skill'] }));
  });
  afterAll(async () => {
    await t.close();
    await parent.drop();
  });

  const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

  it('keeps the key files, and the folder that holds them, closed to other accounts', () => {
    const keys = path.join(dataDir, 'keys');
    expect(modeOf(keys) & 0o077).toBe(0);
    for (const file of fs.readdirSync(keys)) expect(modeOf(path.join(keys, file)) & 0o077, file).toBe(0);
  });

  it('keeps the SQLite database, its WAL and shared memory, which hold the personal data, from other accounts', () => {
    const base = path.join(dataDir, 'aiguillage.sqlite');
    expect(
      fs.readFileSync(base).includes(Buffer.from('canary-skill')) ||
        fs.readFileSync(`${base}-wal`).includes(Buffer.from('canary-skill')),
    ).toBe(true);
    for (const file of [base, `${base}-wal`, `${base}-shm`].filter((f) => fs.existsSync(f))) {
      expect(modeOf(file) & 0o077, `${path.basename(file)} mode ${modeOf(file).toString(8)}`).toBe(0);
    }
  });

  it('creates the start-up lock files beside the database closed to other accounts, as every file there', () => {
    const locks = fs.readdirSync(dataDir).filter((file) => file.endsWith('.lock'));
    expect(locks.length).toBeGreaterThan(0);
    for (const file of locks) {
      const mode = modeOf(path.join(dataDir, file));
      expect(mode & 0o077, `${file} mode ${mode.toString(8)}`).toBe(0);
    }
  });

  it('creates DATA_DIR closed to other accounts', () => {
    expect(modeOf(dataDir) & 0o077, `mode ${modeOf(dataDir).toString(8)}`).toBe(0);
  });
});
