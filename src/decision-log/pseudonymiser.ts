import crypto from 'node:crypto';
import { ForgettingTimer } from '../shared/forgetting-timer.ts';

/** 16 bytes of the HMAC: 128 bits, 22 base64url characters. */
const PSEUDONYM_BYTES = 16;
/** Pseudonyms remembered, of the ids seen last: a caseload's people come back event after event. */
const REMEMBERED = 10_000;
/**
 * How long an id stays remembered beside its pseudonym: a minute, as the rate limiter's counts and
 * the verified tokens, so that an erased person's id does not stay in a process's memory, however
 * quiet (a timer forgets it when nothing else is asked).
 */
const REMEMBERED_MS = 60_000;

/**
 * Keyed pseudonyms (HMAC-SHA-256) of people's ids: the same id always gives the same pseudonym,
 * so auditors can follow one person through the log, but nobody without the key can go back
 * from a pseudonym to the id, or test a guessed id.
 */
export class Pseudonymiser {
  readonly #key: Buffer;
  /**
   * Computed pseudonyms by id (nothing the key does not already give), in the order computed: each
   * is forgotten a minute after (by the timer, or at the next call), and all of them when the map is
   * full.
   */
  readonly #known = new Map<string, { pseudonym: string; until: number }>();
  readonly #now: () => number;
  readonly #forgetting: ForgettingTimer;

  /** `now`: milliseconds since the epoch, the clock remembered ids are forgotten by. */
  constructor(key: Buffer, now: () => number = Date.now) {
    if (key.length < 32) throw new Error('the pseudonym key must hold at least 32 bytes');
    this.#key = Buffer.from(key);
    this.#now = now;
    this.#forgetting = new ForgettingTimer((at) => this.#forgetBefore(at), now);
  }

  /** How many ids are held in memory now, beside their pseudonyms. */
  get heldIds(): number {
    return this.#known.size;
  }

  /** The pseudonym of an id (a counselor's, a job seeker's…). */
  pseudonymise(id: string): string {
    const now = this.#now();
    const known = this.#known.get(id);
    if (known !== undefined && now < known.until) return known.pseudonym;
    this.#known.delete(id);
    this.#forgetBefore(now);
    const pseudonym = crypto
      .createHmac('sha256', this.#key)
      .update(id, 'utf8')
      .digest()
      .subarray(0, PSEUDONYM_BYTES)
      .toString('base64url');
    if (this.#known.size >= REMEMBERED) this.#known.clear();
    this.#known.set(id, { pseudonym, until: now + REMEMBERED_MS });
    this.#forgetting.sweepBy(now + REMEMBERED_MS);
    return pseudonym;
  }

  /**
   * Drops the ids remembered for their minute by `now` (the first in the map are the oldest); when
   * the next one left is due.
   */
  #forgetBefore(now: number): number | undefined {
    for (const [id, { until }] of this.#known) {
      if (now < until) return until;
      this.#known.delete(id);
    }
    return undefined;
  }
}
