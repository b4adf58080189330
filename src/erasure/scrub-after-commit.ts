import { type AfterCommitLogger, runAfterCommit } from '../shared/run-after-commit.ts';
import type { ScrubOutcome } from './erasure.ts';
import type { StorageScrubber } from './storage-scrubber.ts';

/**
 * Clears the deleted rows from the database files after the change that deleted them committed; a
 * scrub that fails is reported incomplete (the next one does it), never thrown. Guarded here, where
 * every caller runs it, rather than by a wrapper built in the container: the guard then holds for
 * whatever scrubber a service is given (the container's, a test's stand-in), with nothing to wire.
 */
export function scrubAfterCommit(
  scrubber: StorageScrubber,
  logger?: AfterCommitLogger,
): Promise<ScrubOutcome> {
  return runAfterCommit(
    'clearing deleted rows from the database files',
    () => scrubber.scrubDeletedRows(),
    (error) => ({
      complete: false,
      detail: `the files could not be cleared now: ${error instanceof Error ? error.message : String(error)}`,
    }),
    logger,
  );
}
