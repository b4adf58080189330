import type { Knex } from 'knex';
import { problemType, ServiceUnavailableError } from '../shared/errors.ts';

/**
 * Per-job-seeker data keys for the personal parts of decision events (crypto-shredding).
 * Destroying a person's key makes every personal part sealed with it unreadable, while the
 * events and their hashes stay as they are.
 */
export interface SubjectKeyring {
  /**
   * Seals a JSON value with the job seeker's data key, creating the key on first use, inside
   * the caller's transaction. Returns `p1.<keyId>.<iv>.<ciphertext>.<tag>`. Throws a
   * {@link MasterKeyReplacedError} when a rotation replaced this process's master key.
   */
  encryptPersonal(trx: Knex.Transaction, seekerId: string, value: unknown): Promise<string>;
  /**
   * The sealed value, or `shredded` when its key was destroyed. Throws an
   * {@link UnreadablePersonalPartError} when it was tampered with or is not a sealed part, a
   * {@link MasterKeyReplacedError} when no data key opens because a rotation replaced this process's
   * master key; a failure to reach the keys (the database) is thrown as it comes.
   */
  decryptPersonal(sealed: string, trx?: Knex.Transaction): Promise<OpenedPersonalPart>;
  /**
   * Opens sealed parts as `decryptPersonal` does, each data key read and unwrapped once for every part
   * it opens: for one read of many parts (a figure over a period, a person's file), so that the reads
   * of the keys grow with the people, not with their events. Made for that read and dropped after it:
   * a key destroyed since it was read still opens what this opener is given.
   */
  openerForOneRead(trx?: Knex.Transaction): (sealed: string) => Promise<OpenedPersonalPart>;
  /** Destroys the job seeker's data key; false when there was none. */
  shredSubjectKey(trx: Knex.Transaction, seekerId: string): Promise<boolean>;
  /** The fingerprint of the master key that wraps the data keys (names it without revealing it). */
  readonly masterKeyFingerprint: string;
  /**
   * Whether the database still records this process's master key as the one in use (or records none
   * yet): false once a rotation (`npm run audit:rotate-master-key`) replaced it while the process ran.
   */
  isMasterKeyInUse(trx?: Knex.Transaction): Promise<boolean>;
  /**
   * Wraps every stored data key again under `nextMasterKey`, each keeping its id (so every personal
   * part sealed with it opens as before), a page at a time inside the caller's transaction; a
   * destroyed key has no row and stays destroyed. Returns how many were re-wrapped. Throws, naming
   * the key, when one does not open with the master key in use: the caller's rollback then leaves
   * every key as it was.
   */
  rewrapDataKeys(trx: Knex.Transaction, nextMasterKey: Buffer): Promise<number>;
}

/** A personal part after decryption. */
export type OpenedPersonalPart = { status: 'readable'; value: unknown } | { status: 'shredded' };

/** A personal part that cannot be opened: not a sealed part, altered, or not JSON. */
export class UnreadablePersonalPartError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnreadablePersonalPartError';
  }
}

/**
 * A rotation (`npm run audit:rotate-master-key`) replaced the master key this process holds: no data
 * key opens with it, and none may be wrapped with it any more. Nothing but a restart with the new key
 * helps, so the request is refused as unavailable (503) rather than failing as a bug (500) or reading
 * every personal part as unreadable.
 */
export class MasterKeyReplacedError extends ServiceUnavailableError {
  constructor() {
    super(
      'the master key was replaced; restart the service with the new key',
      problemType('master-key-replaced'),
    );
  }
}
