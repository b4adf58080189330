import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';

const MB = 2 ** 20;

/** A disk whose free space the test sets, and which remembers the folders it was asked about. */
function aFakeDisk(freeBytes: number) {
  const disk = {
    freeBytes: freeBytes as number | Error,
    asked: new Set<string>(),
    readFreeBytes: async (dir: string) => {
      disk.asked.add(dir);
      if (disk.freeBytes instanceof Error) throw disk.freeBytes;
      return disk.freeBytes;
    },
  };
  return disk;
}

async function scrape(t: TestApp): Promise<string> {
  const res = await t.http.get('/metrics');
  expect(res.status).toBe(200);
  return res.text;
}

describe.runIf(TEST_ENGINE === 'sqlite')('readiness with the SQLite data folder filling up', () => {
  const disk = aFakeDisk(10 * 1024 * MB);
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ readFreeBytes: disk.readFreeBytes });
  });
  afterAll(() => t.close());

  it('is ready with room on the disk, and reads the disk of DATA_DIR', async () => {
    const res = await t.http.get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ready',
      checks: { database: 'ok', model: 'ok', keys: 'ok', storage: 'ok' },
    });
    expect([...disk.asked]).toEqual([t.config.dataDir]);
  });

  it('is ready with exactly MIN_FREE_DISK_MB free (64 MB by default)', async () => {
    disk.freeBytes = 64 * MB;
    const res = await t.http.get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.checks.storage).toBe('ok');
  });

  it('is not ready below MIN_FREE_DISK_MB, and says the disk is why', async () => {
    disk.freeBytes = 64 * MB - 1;
    const res = await t.http.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: 'not_ready',
      checks: { database: 'ok', model: 'ok', keys: 'ok', storage: 'low_disk' },
    });
  });

  it('is not ready when the free space cannot be read', async () => {
    disk.freeBytes = new Error('ENOENT: no such file or directory, statfs');
    const res = await t.http.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.checks.storage).toBe('failing');
  });

  it('shows the free space on /metrics, as read at each scrape', async () => {
    disk.freeBytes = 123_456_789;
    expect(await scrape(t)).toMatch(/^aiguillage_data_dir_free_bytes 123456789$/m);
    disk.freeBytes = 5 * MB;
    expect(await scrape(t)).toMatch(new RegExp(`^aiguillage_data_dir_free_bytes ${5 * MB}$`, 'm'));
  });

  it('is ready again once space is freed', async () => {
    disk.freeBytes = 1024 * MB;
    expect((await t.http.get('/readyz')).status).toBe(200);
  });
});

describe.runIf(TEST_ENGINE === 'sqlite')('readiness with MIN_FREE_DISK_MB set', () => {
  const disk = aFakeDisk(0);
  let high: TestApp;
  let off: TestApp;

  beforeAll(async () => {
    high = await startTestApp({ env: { MIN_FREE_DISK_MB: '2048' }, readFreeBytes: disk.readFreeBytes });
    off = await startTestApp({ env: { MIN_FREE_DISK_MB: '0' }, readFreeBytes: disk.readFreeBytes });
  });
  afterAll(async () => {
    await high?.close();
    await off?.close();
  });

  it('is not ready below the minimum it names', async () => {
    disk.freeBytes = 2047 * MB;
    const res = await high.http.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.checks.storage).toBe('low_disk');
    disk.freeBytes = 2048 * MB;
    expect((await high.http.get('/readyz')).status).toBe(200);
  });

  it('does not check the disk at 0, even a full one, and still shows its free space on /metrics', async () => {
    disk.freeBytes = 0;
    const res = await off.http.get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { database: 'ok', model: 'ok', keys: 'ok' } });
    expect(await scrape(off)).toMatch(/^aiguillage_data_dir_free_bytes 0$/m);
  });
});

describe('readiness on the real disk', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it.runIf(TEST_ENGINE === 'sqlite')('reads the free space of the data folder’s disk', async () => {
    expect((await t.http.get('/readyz')).body.checks.storage).toBe('ok');
    const [, free = ''] = /^aiguillage_data_dir_free_bytes (\d+)$/m.exec(await scrape(t)) ?? [];
    expect(Number(free)).toBeGreaterThan(64 * MB);
  });

  it.runIf(TEST_ENGINE === 'postgres')(
    'leaves the disk to the PostgreSQL server: no storage check, no free-space gauge',
    async () => {
      const res = await t.http.get('/readyz');
      expect(res.status).toBe(200);
      expect(res.body.checks).not.toHaveProperty('storage');
      expect(await scrape(t)).not.toMatch(/aiguillage_data_dir_free_bytes/);
    },
  );
});
