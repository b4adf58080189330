import { describe, expect, it, vi } from 'vitest';
import { createDriftWatch, type RecentDrift } from '../../src/audit/drift-watch.ts';
import { captureLogs } from '../support/captured-logs.ts';

/** A check's result: `employmentRate` at `level`, `remote` stable. */
function aCheck(level: RecentDrift['features'][number]['level'], checkedAt: string): RecentDrift {
  return {
    checkedAt,
    from: '2026-11-02T00:00:00.000Z',
    to: '2026-11-30T00:00:00.000Z',
    model: { id: 'aiguillage-ebm-1.1.0', version: '1.1.0' },
    features: [
      { feature: 'employmentRate', level },
      { feature: 'remote', level: 'stable' },
    ],
  };
}

/**
 * The drift watch checks on its own timer and keeps the last result for `/metrics`: the check is
 * too costly for every scrape (record 0008).
 */
describe('the drift watch', () => {
  it('checks at each interval on its own and keeps the last result', async () => {
    const results = [
      aCheck('stable', '2026-12-01T00:00:00.000Z'),
      aCheck('moderate', '2026-12-02T00:00:00.000Z'),
    ];
    let reads = 0;
    const logs = captureLogs();
    const watch = createDriftWatch(async () => results[Math.min(reads++, 1)] as RecentDrift, logs.logger, {
      intervalMs: 5,
      firstCheckAfterMs: 1,
    });
    expect(watch.lastCheck()).toBeUndefined();
    await vi.waitFor(() => expect(reads).toBeGreaterThanOrEqual(2), { timeout: 5000 });
    await watch.stop();
    expect(watch.lastCheck()).toEqual(results[1]);
  });

  it('keeps the last result when a check fails, says why, and tries again sooner than the interval', async () => {
    const first = aCheck('stable', '2026-12-01T00:00:00.000Z');
    let reads = 0;
    const logs = captureLogs();
    const watch = createDriftWatch(
      async () => {
        reads += 1;
        if (reads === 1) return first;
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
      logs.logger,
      { intervalMs: 60_000, firstCheckAfterMs: 1, retryAfterMs: 1 },
    );
    await watch.checkNow();
    // The timer's first check fails, and is tried again after the retry wait, not the interval.
    await vi.waitFor(() => expect(reads).toBeGreaterThanOrEqual(3), { timeout: 5000 });
    await watch.stop();
    expect(watch.lastCheck()).toEqual(first);
    expect(logs.find('error', /drift: the check could not be completed/).length).toBeGreaterThanOrEqual(2);
  });

  it('counts the checks that failed in a row, back to 0 once one goes through', async () => {
    let failing = true;
    const watch = createDriftWatch(
      async () => {
        if (failing) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        return aCheck('stable', '2026-12-01T00:00:00.000Z');
      },
      captureLogs().logger,
      { intervalMs: 60_000, firstCheckAfterMs: 1, retryAfterMs: 1 },
    );
    expect(watch.failedChecksInARow()).toBe(0);
    await vi.waitFor(() => expect(watch.failedChecksInARow()).toBeGreaterThanOrEqual(3), { timeout: 5000 });
    failing = false;
    await vi.waitFor(() => expect(watch.failedChecksInARow()).toBe(0), { timeout: 5000 });
    await watch.stop();
    expect(watch.lastCheck()?.checkedAt).toBe('2026-12-01T00:00:00.000Z');
  });

  it('runs one check at a time: one asked while another is in progress gives that one’s result', async () => {
    let reads = 0;
    let finish: (check: RecentDrift) => void = () => {};
    const watch = createDriftWatch(
      () => {
        reads += 1;
        return new Promise<RecentDrift>((resolve) => {
          finish = resolve;
        });
      },
      captureLogs().logger,
      { intervalMs: 0 },
    );
    const first = watch.checkNow();
    const second = watch.checkNow();
    const stopping = watch.stop();
    finish(aCheck('moderate', '2026-12-01T00:00:00.000Z'));
    expect(await second).toBe(await first);
    await stopping;
    expect(reads).toBe(1);
    expect(watch.lastCheck()?.features[0]?.level).toBe('moderate');
  });

  it('logs the features of a significant drift at warning level', async () => {
    const logs = captureLogs();
    const watch = createDriftWatch(
      async () => aCheck('significant', '2026-12-01T00:00:00.000Z'),
      logs.logger,
      {
        intervalMs: 0,
      },
    );
    await watch.checkNow();
    await watch.stop();
    expect(logs.find('warn', /drift: .* drifted significantly/)).toEqual([
      expect.objectContaining({ features: ['employmentRate'] }),
    ]);
  });
});
