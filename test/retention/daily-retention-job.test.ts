import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerOperatingGauges } from '../../src/operations/operating-metrics.ts';
import { startDailyRetentionJob } from '../../src/retention/daily-retention-job.ts';
import type { RetentionReport } from '../../src/retention/retention.ts';
import { captureLogs } from '../support/captured-logs.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A retention service whose runs fail while `failing` is set, recording when each was asked (fake time). */
function aRetentionService() {
  const service = {
    failing: true,
    askedAt: [] as number[],
    purgeIfDue: async (): Promise<RetentionReport | undefined> => {
      service.askedAt.push(Date.now());
      if (service.failing) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      return undefined;
    },
  };
  return service;
}

/** Minutes between one run and the next. */
const gapsInMinutes = (askedAt: number[]): number[] =>
  askedAt.slice(1).map((at, index) => (at - (askedAt[index] ?? at)) / MINUTE);

describe('the daily retention job', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('tries a failed run again after five minutes, then twice as long after each failure in a row, an hour at most', async () => {
    const service = aRetentionService();
    const job = startDailyRetentionJob(service, captureLogs().logger, { firstCheckAfterMs: MINUTE });
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(service.askedAt).toHaveLength(1);
    expect(job.failedRunsInARow()).toBe(1);

    await vi.advanceTimersByTimeAsync((5 + 10 + 20 + 40 + 60 + 60) * MINUTE);
    expect(gapsInMinutes(service.askedAt)).toEqual([5, 10, 20, 40, 60, 60]);
    expect(job.failedRunsInARow()).toBe(7);

    // The database answers again: the next retry goes through, and the checks are daily again.
    service.failing = false;
    await vi.advanceTimersByTimeAsync(60 * MINUTE);
    expect(service.askedAt).toHaveLength(8);
    expect(job.failedRunsInARow()).toBe(0);
    await vi.advanceTimersByTimeAsync(DAY - 1);
    expect(service.askedAt).toHaveLength(8);
    await vi.advanceTimersByTimeAsync(1);
    expect(service.askedAt).toHaveLength(9);
    await job.stop();
  });

  it('logs each failed run with the failures in a row and when it is tried again', async () => {
    const logs = captureLogs();
    const service = aRetentionService();
    const job = startDailyRetentionJob(service, logs.logger, { firstCheckAfterMs: 0 });
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    const failures = logs.find('error', /^retention: the daily purge failed/);
    expect(failures.map((line) => [line.failedRunsInARow, line.retryInSeconds])).toEqual([
      [1, 300],
      [2, 600],
    ]);
    expect(failures[0]?.msg).toBe('retention: the daily purge failed; tried again in 300 s');
    await job.stop();
  });

  it('starts no check while a run is still going, however long it takes', async () => {
    let finish: () => void = () => undefined;
    let asked = 0;
    const service = {
      purgeIfDue: () => {
        asked += 1;
        return new Promise<RetentionReport | undefined>((resolve) => {
          finish = () => resolve(undefined);
        });
      },
    };
    const job = startDailyRetentionJob(service, captureLogs().logger, { firstCheckAfterMs: 0 });
    await vi.advanceTimersByTimeAsync(3 * DAY);
    expect(asked).toBe(1);
    finish();
    await vi.advanceTimersByTimeAsync(DAY);
    expect(asked).toBe(2);
    finish();
    await job.stop();
  });

  it('schedules no retry once stopped, and waits for the run in progress', async () => {
    const service = aRetentionService();
    const job = startDailyRetentionJob(service, captureLogs().logger, { firstCheckAfterMs: 0 });
    await vi.advanceTimersByTimeAsync(0);
    expect(service.askedAt).toHaveLength(1);
    await job.stop();
    await vi.advanceTimersByTimeAsync(2 * DAY);
    expect(service.askedAt).toHaveLength(1);
  });

  it('shows the failures in a row on /metrics, for the alert on a purge that keeps failing', async () => {
    const service = aRetentionService();
    const job = startDailyRetentionJob(service, captureLogs().logger, { firstCheckAfterMs: 0 });
    const registry = new Registry();
    registerOperatingGauges(registry, {
      aiEnabled: async () => true,
      modelCheck: async () => 'ok',
      retentionFailedRunsInARow: () => job.failedRunsInARow(),
    });
    await vi.advanceTimersByTimeAsync(15 * MINUTE);
    expect(await registry.metrics()).toMatch(/^aiguillage_retention_failed_runs_in_a_row 3$/m);
    service.failing = false;
    await vi.advanceTimersByTimeAsync(20 * MINUTE);
    expect(await registry.metrics()).toMatch(/^aiguillage_retention_failed_runs_in_a_row 0$/m);
    await job.stop();
  });

  it('logs a run that left deleted rows in the database files as a warning saying why', async () => {
    const logs = captureLogs();
    const report = { storageScrubbed: false, storageDetail: 'PostgreSQL skipped vacuuming job_seekers' };
    const service = { purgeIfDue: async () => report as RetentionReport };
    const job = startDailyRetentionJob(service, logs.logger, { firstCheckAfterMs: 0 });
    await vi.advanceTimersByTimeAsync(0);
    await job.stop();
    expect(
      logs.find('warn', /deleted rows not cleared from the files: PostgreSQL skipped vacuuming job_seekers$/),
    ).toHaveLength(1);
    expect(logs.find('info', /retention/)).toEqual([]);
  });
});
