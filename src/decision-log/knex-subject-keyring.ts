import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { createTimeOrderedId } from '../shared/time-ordered-id.ts';
import { canonicalJson } from './canonical-json.ts';
import { fingerprintMasterKey, isMasterKeyRecorded } from './key-fingerprints.ts';
import { MAKE_MASTER_KEY } from './key-making-commands.ts';
import type { Pseudonymiser } from './pseudonymiser.ts';
import { openSealedBytes, sealBytes } from './sealed-box.ts';
import {
  MasterKeyReplacedError,
  type OpenedPersonalPart,
  type SubjectKeyring,
  UnreadablePersonalPartError,
} from './subject-keyring.ts';
import { unwrapDataKey, wrapDataKey } from './wrapped-data-key.ts';

const TABLE = 'subject_keys';
const PERSONAL_PREFIX = 'p1';
/** Data keys re-wrapped per read: a rotation never holds every key in memory. */
export const REWRAP_PAGE = 500;

/**
 * Data keys in the `subject_keys` table, one per job seeker (by pseudonym, so the table holds no
 * id), each wrapped with AES-256-GCM under the master key.
 */
export class KnexSubjectKeyring implements SubjectKeyring {
  readonly #masterKey: Buffer;
  readonly masterKeyFingerprint: string;

  constructor(
    private readonly db: Knex,
    masterKey: Buffer,
    private readonly pseudonymiser: Pseudonymiser,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
    this.#masterKey = Buffer.from(masterKey);
    this.masterKeyFingerprint = fingerprintMasterKey(masterKey);
  }

  async encryptPersonal(trx: Knex.Transaction, seekerId: string, value: unknown): Promise<string> {
    const plaintext = Buffer.from(canonicalJson(value), 'utf8');
    const { keyId, dataKey } = await this.findOrCreateKey(trx, this.pseudonymiser.pseudonymise(seekerId));
    return [PERSONAL_PREFIX, keyId, sealBytes(dataKey, plaintext, personalContext(keyId))].join('.');
  }

  decryptPersonal(sealed: string, trx?: Knex.Transaction): Promise<OpenedPersonalPart> {
    return this.open(sealed, trx, undefined);
  }

  openerForOneRead(trx?: Knex.Transaction): (sealed: string) => Promise<OpenedPersonalPart> {
    const dataKeys = new Map<string, Buffer | 'shredded'>();
    return (sealed) => this.open(sealed, trx, dataKeys);
  }

  /** Opens `sealed`, taking its data key from `dataKeys` when given and there, and keeping it there. */
  private async open(
    sealed: string,
    trx: Knex.Transaction | undefined,
    dataKeys: Map<string, Buffer | 'shredded'> | undefined,
  ): Promise<OpenedPersonalPart> {
    const [prefix, keyId, ...box] = sealed.split('.');
    if (prefix !== PERSONAL_PREFIX || keyId === undefined || box.length !== 3) {
      throw new UnreadablePersonalPartError('not a sealed personal part');
    }
    const unreadable = (cause: unknown) =>
      new UnreadablePersonalPartError(`the personal part sealed with key ${keyId} cannot be opened`, {
        cause,
      });
    let dataKey = dataKeys?.get(keyId);
    if (dataKey === undefined) {
      const row = await (trx ?? this.db)(TABLE).where({ key_id: keyId }).first();
      if (row === undefined) {
        dataKeys?.set(keyId, 'shredded');
        return { status: 'shredded' };
      }
      try {
        dataKey = this.unwrap(keyId, String(row.subject), String(row.wrapped_key));
      } catch (error) {
        await this.refuseIfMasterKeyReplaced(trx);
        throw unreadable(error);
      }
      dataKeys?.set(keyId, dataKey);
    }
    if (dataKey === 'shredded') return { status: 'shredded' };
    try {
      const plaintext = openSealedBytes(dataKey, box.join('.'), personalContext(keyId));
      return { status: 'readable', value: JSON.parse(plaintext.toString('utf8')) };
    } catch (error) {
      throw unreadable(error);
    }
  }

  isMasterKeyInUse(trx?: Knex.Transaction): Promise<boolean> {
    return isMasterKeyRecorded(trx ?? this.db, this.masterKeyFingerprint);
  }

  async shredSubjectKey(trx: Knex.Transaction, seekerId: string): Promise<boolean> {
    const deleted = await trx(TABLE)
      .where({ subject: this.pseudonymiser.pseudonymise(seekerId) })
      .delete();
    return deleted > 0;
  }

  async rewrapDataKeys(trx: Knex.Transaction, nextMasterKey: Buffer): Promise<number> {
    if (nextMasterKey.length !== 32) throw new Error('the new master key must be 32 bytes');
    if (crypto.timingSafeEqual(nextMasterKey, this.#masterKey)) {
      throw new Error(
        `the new master key is the one in use: make a new one with \`${MAKE_MASTER_KEY} <file>\` and name that file`,
      );
    }
    let rewrapped = 0;
    let afterKeyId: string | undefined;
    for (;;) {
      const page = trx(TABLE).select('key_id', 'subject', 'wrapped_key').orderBy('key_id').limit(REWRAP_PAGE);
      if (afterKeyId !== undefined) page.where('key_id', '>', afterKeyId);
      const rows: Array<Record<string, unknown>> = await page;
      for (const row of rows) {
        const keyId = String(row.key_id);
        const subject = String(row.subject);
        let dataKey: Buffer;
        try {
          dataKey = this.unwrap(keyId, subject, String(row.wrapped_key));
        } catch (error) {
          throw new Error(
            `the data key ${keyId} does not open with the master key in use (its row is damaged, or another key wrapped it)`,
            { cause: error },
          );
        }
        // Same id and context: the personal parts sealed with the data key open as before.
        await trx(TABLE)
          .where({ key_id: keyId })
          .update({ wrapped_key: wrapDataKey(nextMasterKey, dataKey, keyId, subject) });
        rewrapped += 1;
        afterKeyId = keyId;
      }
      if (rows.length < REWRAP_PAGE) return rewrapped;
    }
  }

  private async findOrCreateKey(
    trx: Knex.Transaction,
    subject: string,
  ): Promise<{ keyId: string; dataKey: Buffer }> {
    let row = await trx(TABLE).where({ subject }).first();
    if (row === undefined) {
      // A process left running through a master-key rotation would wrap new keys with the retired
      // key, which must open nothing written after the rotation.
      await this.refuseIfMasterKeyReplaced(trx);
      const keyId = createTimeOrderedId();
      const wrapped = wrapDataKey(this.#masterKey, crypto.randomBytes(32), keyId, subject);
      // A concurrent transaction may create the same subject's key: its key wins, ours is dropped.
      await trx(TABLE)
        .insert({ key_id: keyId, subject, wrapped_key: wrapped, created_at: this.now().toISOString() })
        .onConflict('subject')
        .ignore();
      row = await trx(TABLE).where({ subject }).first();
      if (row === undefined) throw new Error(`the data key of subject ${subject} could not be created`);
    }
    const keyId = String(row.key_id);
    try {
      return { keyId, dataKey: this.unwrap(keyId, subject, String(row.wrapped_key)) };
    } catch (error) {
      await this.refuseIfMasterKeyReplaced(trx);
      throw error;
    }
  }

  /**
   * Throws a {@link MasterKeyReplacedError} when the database records another master key than this
   * process's. Asked when a data key does not open (a damaged row otherwise) and before wrapping a
   * new one, never for a key that opens: reading or sealing with a key that opens costs no query more.
   */
  private async refuseIfMasterKeyReplaced(trx: Knex.Transaction | undefined): Promise<void> {
    if (!(await this.isMasterKeyInUse(trx))) throw new MasterKeyReplacedError();
  }

  private unwrap(keyId: string, subject: string, wrapped: string): Buffer {
    return unwrapDataKey(this.#masterKey, keyId, subject, wrapped);
  }
}

function personalContext(keyId: string): string {
  return `aiguillage.personal.v1:${keyId}`;
}
