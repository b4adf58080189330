import type { ScrubOutcome } from './erasure.ts';

/** Clears deleted rows from the database files, as far as the engine allows. */
export interface StorageScrubber {
  /**
   * Called after a transaction that deleted personal data has committed, always through
   * `scrubAfterCommit` (which turns a failure into an incomplete outcome).
   */
  scrubDeletedRows(): Promise<ScrubOutcome>;
}
