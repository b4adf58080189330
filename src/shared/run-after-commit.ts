import type { Logger } from 'pino';

/** Where a step run after a commit reports its failure. */
export type AfterCommitLogger = Pick<Logger, 'warn'>;

/**
 * Runs a step that follows a committed transaction (clearing deleted rows from the files, reading a
 * row back for the answer). The change is done whatever the step does: were its failure thrown, the
 * caller would be answered as if the change had been undone (a 503 "retry", a 500), and their retry
 * would then meet it done (404, 409 "already"). So a failure is logged as a warning, and `fallback`
 * answers instead, from what the transaction wrote or as "incomplete".
 */
export async function runAfterCommit<T>(
  step: string,
  run: () => Promise<T>,
  fallback: (error: unknown) => T,
  logger?: AfterCommitLogger,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    logger?.warn({ err: error, step }, 'a step after a committed change failed; the change stands');
    return fallback(error);
  }
}
