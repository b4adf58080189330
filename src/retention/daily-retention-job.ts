import type { Logger } from 'pino';
import type { RetentionService } from './retention-service.ts';

const HOUR_MS = 3_600_000;

export interface DailyRetentionJobOptions {
  /** Between two checks (default: a day). */
  intervalMs?: number;
  /** Before the first check after start (default: a minute), so that start-up stays quick. */
  firstCheckAfterMs?: number;
}

/** A running job; `stop()` clears its timers and waits for a run in progress. */
export interface DailyRetentionJob {
  stop(): Promise<void>;
}

/**
 * Purges expired data once a day inside the API process. With several processes on one database,
 * a process skips its run when another recorded one within the interval (less an hour of slack).
 * The timers are unref'd: they never keep the process alive.
 */
export function startDailyRetentionJob(
  service: RetentionService,
  logger: Logger,
  options: DailyRetentionJobOptions = {},
): DailyRetentionJob {
  const intervalMs = options.intervalMs ?? 24 * HOUR_MS;
  const minimumGapMs = Math.max(0, intervalMs - Math.min(HOUR_MS, intervalMs / 2));
  let running: Promise<void> | undefined;
  let interval: NodeJS.Timeout | undefined;

  const check = (): void => {
    if (running !== undefined) return;
    running = service
      .purgeIfDue(minimumGapMs)
      .then((report) => {
        if (report !== undefined) logger.info(report, 'retention: expired data purged');
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'retention: the daily purge failed; it runs again at the next check');
      })
      .finally(() => {
        running = undefined;
      });
  };

  const first = setTimeout(() => {
    check();
    interval = setInterval(check, intervalMs);
    interval.unref();
  }, options.firstCheckAfterMs ?? 60_000);
  first.unref();

  return {
    stop: async () => {
      clearTimeout(first);
      if (interval !== undefined) clearInterval(interval);
      await running;
    },
  };
}
