import type { Logger } from 'pino';
import type { RetentionService } from './retention-service.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export interface DailyRetentionJobOptions {
  /** Between two checks (default: a day). */
  intervalMs?: number;
  /** Before the first check after start (default: a minute), so that start-up stays quick. */
  firstCheckAfterMs?: number;
  /** After a run that failed, before it is tried again (default: five minutes). */
  firstRetryAfterMs?: number;
  /** The wait before a retry doubles with each failure in a row, up to this (default: an hour). */
  maxRetryAfterMs?: number;
}

/** A running job; `stop()` clears its timer and waits for a run in progress. */
export interface DailyRetentionJob {
  /** Runs that failed in a row since the last one that went through (or was skipped as done). */
  failedRunsInARow(): number;
  stop(): Promise<void>;
}

/**
 * Purges expired data once a day inside the API process. With several processes on one database,
 * a process skips its run when another recorded one within the interval (less an hour of slack).
 * A run that fails (the database busy, a connection cut) is tried again after five minutes, then
 * after twice as long at each failure in a row, an hour at most: the data past its period does not
 * wait a whole day more for the next check. One check at a time: the next is scheduled once the
 * previous has ended. The timer is unref'd: it never keeps the process alive.
 */
export function startDailyRetentionJob(
  service: Pick<RetentionService, 'purgeIfDue'>,
  logger: Logger,
  options: DailyRetentionJobOptions = {},
): DailyRetentionJob {
  const intervalMs = options.intervalMs ?? 24 * HOUR_MS;
  const firstRetryAfterMs = options.firstRetryAfterMs ?? 5 * MINUTE_MS;
  const maxRetryAfterMs = Math.min(options.maxRetryAfterMs ?? HOUR_MS, intervalMs);
  const minimumGapMs = Math.max(0, intervalMs - Math.min(HOUR_MS, intervalMs / 2));
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let failedRunsInARow = 0;

  const schedule = (delayMs: number): void => {
    if (stopped) return;
    timer = setTimeout(check, delayMs);
    timer.unref();
  };

  /** The wait before the next check, after this one went through or failed. */
  const runOnce = async (): Promise<number> => {
    try {
      const report = await service.purgeIfDue(minimumGapMs);
      // A purge whose deleted rows are left in the files is done, yet needs an operator's look (a user
      // who owns no table, say): a warning, as after an erasure.
      if (report?.storageScrubbed === false) {
        logger.warn(
          report,
          `retention: expired data purged, deleted rows not cleared from the files: ${report.storageDetail}`,
        );
      } else if (report !== undefined) {
        logger.info(report, 'retention: expired data purged');
      }
      failedRunsInARow = 0;
      return intervalMs;
    } catch (error) {
      failedRunsInARow += 1;
      const retryAfterMs = Math.min(maxRetryAfterMs, firstRetryAfterMs * 2 ** (failedRunsInARow - 1));
      logger.error(
        { err: error, failedRunsInARow, retryInSeconds: Math.round(retryAfterMs / 1000) },
        `retention: the daily purge failed; tried again in ${Math.round(retryAfterMs / 1000)} s`,
      );
      return retryAfterMs;
    }
  };

  function check(): void {
    running = runOnce().then((delayMs) => {
      running = undefined;
      schedule(delayMs);
    });
  }

  schedule(options.firstCheckAfterMs ?? MINUTE_MS);

  return {
    failedRunsInARow: () => failedRunsInARow,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
