import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';

/**
 * SQLite answers `select 1` from the file it opened at start even once that file is gone from
 * DATA_DIR (the folder removed, a volume swapped or unmounted under the process): every write after
 * it, the decision log's included, would go to a file no one can open again, lost at the next start.
 */
describe.runIf(TEST_ENGINE === 'sqlite')('readiness once the SQLite file is gone or replaced', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const databaseFile = (app: TestApp) => path.join(app.database.dataDir, 'aiguillage.sqlite');

  it('is not ready once the database file no longer exists, and says why', async () => {
    t = await startTestApp();
    expect((await t.http.get('/readyz')).status).toBe(200);
    const file = databaseFile(t);
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });

    const res = await t.http.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'not_ready', checks: { database: 'file_missing' } });
  });

  it('is not ready once another file stands at its path (a restore copied over a running process)', async () => {
    t = await startTestApp();
    const file = databaseFile(t);
    fs.copyFileSync(file, `${file}.copy`);
    fs.renameSync(`${file}.copy`, file);

    const res = await t.http.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'not_ready', checks: { database: 'file_replaced' } });
  });

  it('stays ready while the file it opened is in place, however often it is written', async () => {
    t = await startTestApp();
    const admin = await t.tokenFor('admin', 'a-001');
    const settings = await t.http.get('/v1/settings').auth(admin, { type: 'bearer' });
    expect(settings.status).toBe(200);
    const res = await t.http.get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.checks.database).toBe('ok');
  });
});
