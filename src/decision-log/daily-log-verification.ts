import type { Logger } from 'pino';
import type { DecisionLogReader } from './decision-log.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** Where each verdict goes: the `/metrics` counter of verifications, which the alerts read. */
export interface LogVerificationCounts {
  /** A verification that ran to its end, intact or broken. */
  countLogVerification(verification: { ok: boolean }): void;
  /** A verification that could not be completed (the database failing): no verdict. */
  countLogVerificationFailure(): void;
}

export interface DailyLogVerificationOptions {
  /** Between two verifications (default: a day). */
  intervalMs?: number;
  /** Before the first one after start (default: ten minutes), so that start-up stays quick. */
  firstCheckAfterMs?: number;
  /** After one that could not be completed, before it is tried again (default: an hour, the interval at most). */
  retryAfterMs?: number;
}

/** A running verification; `stop()` clears its timer and waits for a verification in progress. */
export interface DailyLogVerification {
  stop(): Promise<void>;
}

/**
 * Verifies the whole decision log (chain, checkpoints, head) inside the API process at each interval,
 * so that an edited log reaches the operators without waiting for an auditor to ask: each verdict is
 * counted (`aiguillage_decision_log_verifications_total`) and a broken one, or a verification that
 * could not be completed, is logged at error level with why. One at a time: the next is scheduled
 * once the previous has ended; one not completed is tried again sooner. The timer is unref'd.
 */
export function startDailyLogVerification(
  log: Pick<DecisionLogReader, 'verifyRange'>,
  counts: LogVerificationCounts,
  logger: Logger,
  options: DailyLogVerificationOptions = {},
): DailyLogVerification {
  const intervalMs = options.intervalMs ?? 24 * HOUR_MS;
  const retryAfterMs = Math.min(options.retryAfterMs ?? HOUR_MS, intervalMs);
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const schedule = (delayMs: number): void => {
    if (stopped) return;
    timer = setTimeout(check, delayMs);
    timer.unref();
  };

  /** The wait before the next verification. */
  const verifyOnce = async (): Promise<number> => {
    try {
      const verification = await log.verifyRange();
      counts.countLogVerification(verification);
      if (verification.ok) {
        logger.info({ checked: verification.checked }, 'decision log: verified intact');
      } else {
        logger.error(
          {
            firstBadSeq: verification.firstBadSeq,
            reason: verification.reason,
            checked: verification.checked,
          },
          'decision log: the daily verification found it broken; keep the database as it is and record an incident',
        );
      }
      return intervalMs;
    } catch (error) {
      counts.countLogVerificationFailure();
      logger.error(
        { err: error, retryInSeconds: Math.round(retryAfterMs / 1000) },
        `decision log: the daily verification could not be completed; tried again in ${Math.round(retryAfterMs / 1000)} s`,
      );
      return retryAfterMs;
    }
  };

  function check(): void {
    running = verifyOnce().then((delayMs) => {
      running = undefined;
      schedule(delayMs);
    });
  }

  schedule(options.firstCheckAfterMs ?? 10 * MINUTE_MS);

  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
