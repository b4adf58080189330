import crypto from 'node:crypto';

/** 16 bytes of the HMAC: 128 bits, 22 base64url characters. */
const PSEUDONYM_BYTES = 16;
/** Pseudonyms remembered, of the ids seen last: a caseload's people come back event after event. */
const REMEMBERED = 10_000;

/**
 * Keyed pseudonyms (HMAC-SHA-256) of people's ids: the same id always gives the same pseudonym,
 * so auditors can follow one person through the log, but nobody without the key can go back
 * from a pseudonym to the id, or test a guessed id.
 */
export class Pseudonymiser {
  readonly #key: Buffer;
  /** Computed pseudonyms by id (nothing the key does not already give), forgotten when full. */
  readonly #known = new Map<string, string>();

  constructor(key: Buffer) {
    if (key.length < 32) throw new Error('the pseudonym key must hold at least 32 bytes');
    this.#key = Buffer.from(key);
  }

  /** The pseudonym of an id (a counselor's, a job seeker's…). */
  pseudonymise(id: string): string {
    const known = this.#known.get(id);
    if (known !== undefined) return known;
    const pseudonym = crypto
      .createHmac('sha256', this.#key)
      .update(id, 'utf8')
      .digest()
      .subarray(0, PSEUDONYM_BYTES)
      .toString('base64url');
    if (this.#known.size >= REMEMBERED) this.#known.clear();
    this.#known.set(id, pseudonym);
    return pseudonym;
  }
}
