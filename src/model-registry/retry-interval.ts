/**
 * How long the registry waits, after a failed load of the active model or a failed registration of
 * the shipped one, before a request tries again: until then the model is reported unavailable
 * without touching the disk.
 */
export class RetryInterval {
  constructor(
    private readonly now: () => Date,
    /** The interval in ms, which an unavailable model reports as `retryAfterMs`. */
    readonly ms: number,
  ) {}

  /** Whether a failed attempt made at `at` (ms on `now`) may be tried again. */
  isDue(at: number): boolean {
    const now = this.now().getTime();
    // A clock set back (a test's, or the system's) is no reason to wait longer.
    return now < at || now - at >= this.ms;
  }
}
