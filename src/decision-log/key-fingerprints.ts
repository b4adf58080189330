import crypto, { type KeyObject } from 'node:crypto';
import type { Knex } from 'knex';
import type { DecisionLogKeys } from './decision-log-keys.ts';
import { findKeysTheLogWasNotWrittenWith, type LogKeyPurpose } from './keys-against-log.ts';

const TABLE = 'log_key_fingerprints';

/**
 * What identifies each key without revealing it: the public half's hash for the signing key, a
 * keyed hash of a fixed text for the secret ones.
 */
function fingerprintKeys(keys: DecisionLogKeys): Record<LogKeyPurpose, string> {
  return {
    signing: fingerprintSigningKey(crypto.createPublicKey(keys.signingKey)),
    master: fingerprintSecretKey(keys.masterKey, 'master'),
    pseudonym: fingerprintSecretKey(keys.pseudonymKey, 'pseudonym'),
  };
}

function fingerprintSecretKey(key: Buffer, purpose: Exclude<LogKeyPurpose, 'signing'>): string {
  return crypto.createHmac('sha256', key).update(`aiguillage decision-log ${purpose} key`).digest('hex');
}

/** The master key's fingerprint, as recorded: it names the key without revealing it. */
export function fingerprintMasterKey(masterKey: Buffer): string {
  return fingerprintSecretKey(masterKey, 'master');
}

function fingerprintSigningKey(publicKey: KeyObject): string {
  return crypto
    .createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** After a rotation: the processes to start are those with the new signing key. */
export async function recordSigningKeyFingerprint(trx: Knex.Transaction, publicKey: KeyObject, now: string) {
  await trx(TABLE)
    .where({ purpose: 'signing' })
    .update({ fingerprint: fingerprintSigningKey(publicKey), recorded_at: now });
}

/** After a master-key rotation: the processes to start are those with the new master key. */
export async function recordMasterKeyFingerprint(trx: Knex.Transaction, masterKey: Buffer, now: string) {
  await trx(TABLE)
    .where({ purpose: 'master' })
    .update({ fingerprint: fingerprintMasterKey(masterKey), recorded_at: now });
}

/**
 * Whether the master key with this fingerprint is the database's (or none is recorded yet): a
 * process left running through a master-key rotation holds the retired one.
 */
export async function isMasterKeyRecorded(db: Knex, fingerprint: string): Promise<boolean> {
  const row: { fingerprint: string } | undefined = await db(TABLE)
    .where({ purpose: 'master' })
    .first('fingerprint');
  return row === undefined || row.fingerprint === fingerprint;
}

/**
 * Records the keys' fingerprints on a database that has none, and refuses keys other than those
 * recorded: every process on one database must share them (the same key files, or the same
 * DATA_DIR where they are generated). A database whose log is older than the fingerprints has
 * none recorded but events written with some keys: those of the first process are checked against
 * that log before they are recorded.
 */
export async function checkKeysMatchDatabase(
  db: Knex,
  keys: DecisionLogKeys,
  keysFrom: string,
  now: Date,
): Promise<void> {
  const mine = fingerprintKeys(keys);
  const recordedBefore = await db(TABLE).first('purpose');
  if (recordedBefore === undefined) {
    const notTheLogs = await findKeysTheLogWasNotWrittenWith(db, keys);
    if (notTheLogs.length > 0) throw keysRefused(notTheLogs, keysFrom);
  }
  const rows = Object.entries(mine).map(([purpose, fingerprint]) => ({
    purpose,
    fingerprint,
    recorded_at: now.toISOString(),
  }));
  // The first process to get here records its keys; a process started at the same moment reads them.
  await db(TABLE).insert(rows).onConflict('purpose').ignore();
  const recorded: { purpose: string; fingerprint: string }[] = await db(TABLE).select(
    'purpose',
    'fingerprint',
  );
  const differing = recorded
    .filter((row) => row.fingerprint !== mine[row.purpose as LogKeyPurpose])
    .map((row) => row.purpose as LogKeyPurpose);
  if (differing.length > 0) throw keysRefused(differing, keysFrom);
}

function keysRefused(differing: readonly LogKeyPurpose[], keysFrom: string): Error {
  return new Error(
    `this database's decision log is written with other keys than this process's (${[...differing].sort().join(', ')}; ` +
      `read from ${keysFrom}): every process on one database needs the same keys, the same ` +
      'AUDIT_*_KEY_FILE files or the same DATA_DIR. Started with these, it would sign checkpoints that fail ' +
      'verification, give people second pseudonyms, and hide data keys from an erasure',
  );
}
