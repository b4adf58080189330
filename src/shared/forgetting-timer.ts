/**
 * Drops what an in-memory map holds about people once its time is up, even in a process that is
 * asked nothing more: a map swept only when it is next used kept an erased person's id for as long
 * as the process stayed quiet. One timer at a time, set for the earliest time due; it never keeps
 * the process alive (unref).
 */
export class ForgettingTimer {
  #timer: NodeJS.Timeout | undefined;
  #dueAt = Number.POSITIVE_INFINITY;

  /**
   * `forget`: drops the entries whose time is up at the instant given, and answers when the next
   * one left is due (milliseconds since the epoch), or undefined when none is left. `now`: the clock
   * the entries' times are read by.
   */
  constructor(
    private readonly forget: (now: number) => number | undefined,
    private readonly now: () => number,
  ) {}

  /** Makes sure the map is swept at `at` (milliseconds since the epoch) at the latest. */
  sweepBy(at: number): void {
    if (this.#timer !== undefined && this.#dueAt <= at) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#dueAt = at;
    this.#timer = setTimeout(() => this.#sweep(), Math.max(0, at - this.now()));
    this.#timer.unref();
  }

  #sweep(): void {
    this.#timer = undefined;
    this.#dueAt = Number.POSITIVE_INFINITY;
    const next = this.forget(this.now());
    if (next !== undefined) this.sweepBy(next);
  }
}
