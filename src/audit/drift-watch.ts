import type { Logger } from 'pino';
import type { DriftLevel } from './drift-stats.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** How many whole weeks the watch reads: the last four before the week in progress. */
export const DRIFT_WATCH_WEEKS = 4;

/**
 * A feature's level as the watch gives it: the drift figures' own (`DriftLevel`), or `no_vectors` when
 * none may be read (no set scored in the weeks read, or every week resting on fewer than
 * `AUDIT_MIN_PEOPLE` job seekers).
 */
export type WatchedDriftLevel = DriftLevel | 'no_vectors';
export const WATCHED_DRIFT_LEVELS = [
  'stable',
  'moderate',
  'significant',
  'too_few',
  'no_vectors',
] as const satisfies readonly WatchedDriftLevel[];

/** The drift of the inputs the active model scored in the last whole weeks, as last checked. */
export interface RecentDrift {
  /** When the check read the log (ISO 8601, UTC). */
  checkedAt: string;
  /** The weeks read, as the drift figures cut them. */
  from: string | null;
  to: string | null;
  /** The active model, or null when none is active (then no feature). */
  model: { id: string; version: string } | null;
  features: Array<{ feature: string; level: WatchedDriftLevel }>;
}

export interface DriftWatchOptions {
  /** Between two checks; 0: no timer, checks only when asked (`checkNow`). */
  intervalMs: number;
  /** Before the first check after start (default: fifteen minutes), so that start-up stays quick. */
  firstCheckAfterMs?: number;
  /** After a check that failed, before it is tried again (default: an hour, the interval at most). */
  retryAfterMs?: number;
}

/** The service's own watch of the model's drift; `stop()` clears its timer and waits for a check in progress. */
export interface DriftWatch {
  /** The last check that went through; undefined before the first. */
  lastCheck(): RecentDrift | undefined;
  /** The timer's checks that failed since the last one that went through (0 before the first). */
  failedChecksInARow(): number;
  /** Checks now, as the timer does, and keeps the result. */
  checkNow(): Promise<RecentDrift>;
  stop(): Promise<void>;
}

/**
 * Reads the drift of the active model's inputs once per interval inside the API process, rather than
 * at each scrape of `/metrics`: a read opens the sealed feature vectors of the sets of the weeks not
 * yet given (measured on SQLite and PostgreSQL: 0.3 to 0.5 s for four weeks of 160 sets, 1.7 to 3.9 s when
 * it freezes them, 0.5 to 0.8 s for half a year of 1,040 sets), far too much every 15 seconds.
 * The last result stays in memory for the gauge, and a significant drift is logged at warning level.
 * A check that fails is logged and tried again sooner, keeping the last result, and counted until one
 * goes through (an alert watches the count: the level shown grows stale). One at a time; the timer
 * is unref'd.
 */
export function createDriftWatch(
  read: () => Promise<RecentDrift>,
  logger: Logger,
  options: DriftWatchOptions,
): DriftWatch {
  const { intervalMs } = options;
  const retryAfterMs = Math.min(options.retryAfterMs ?? HOUR_MS, intervalMs);
  let last: RecentDrift | undefined;
  let failedInARow = 0;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  let inFlight: Promise<RecentDrift> | undefined;
  /** A check, or the one in progress: one at a time, whether the timer or a caller asks. */
  const checkNow = (): Promise<RecentDrift> => {
    inFlight ??= readAndKeep().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  const readAndKeep = async (): Promise<RecentDrift> => {
    const checked = await read();
    last = checked;
    failedInARow = 0;
    const significant = checked.features.filter(({ level }) => level === 'significant');
    if (significant.length > 0) {
      logger.warn(
        {
          model: checked.model,
          from: checked.from,
          to: checked.to,
          features: significant.map((f) => f.feature),
        },
        'drift: the inputs of the active model drifted significantly from its training reference',
      );
    }
    return checked;
  };

  const schedule = (delayMs: number): void => {
    if (stopped || intervalMs === 0) return;
    timer = setTimeout(check, delayMs);
    timer.unref();
  };

  /** The wait before the next check. */
  const checkOnce = async (): Promise<number> => {
    try {
      await checkNow();
      return intervalMs;
    } catch (error) {
      failedInARow += 1;
      logger.error(
        { err: error, failedChecksInARow: failedInARow, retryInSeconds: Math.round(retryAfterMs / 1000) },
        `drift: the check could not be completed; tried again in ${Math.round(retryAfterMs / 1000)} s`,
      );
      return retryAfterMs;
    }
  };

  function check(): void {
    running = checkOnce().then((delayMs) => {
      running = undefined;
      schedule(delayMs);
    });
  }

  schedule(options.firstCheckAfterMs ?? 15 * MINUTE_MS);

  return {
    lastCheck: () => last,
    failedChecksInARow: () => failedInARow,
    checkNow,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
      await inFlight?.catch(() => undefined);
    },
  };
}
