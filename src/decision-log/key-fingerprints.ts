import crypto, { type KeyObject } from 'node:crypto';
import type { Knex } from 'knex';
import { readJson, readNumber } from '../db/row-values.ts';
import { computeKeyId } from './checkpoint-signer.ts';
import type { DecisionLogKeys } from './decision-log-keys.ts';
import { EVENTS } from './decision-log-tables.ts';
import { findKeysTheLogWasNotWrittenWith, type LogKeyPurpose } from './keys-against-log.ts';
import { readRotations } from './signing-keys.ts';

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
  keyFiles: Record<LogKeyPurpose, string>,
  now: Date,
): Promise<void> {
  const mine = fingerprintKeys(keys);
  const recordedBefore = await db(TABLE).first('purpose');
  if (recordedBefore === undefined) {
    const notTheLogs = await findKeysTheLogWasNotWrittenWith(db, keys);
    if (notTheLogs.length > 0) throw keysRefused(notTheLogs, keyFiles, new Map());
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
  if (differing.length > 0) {
    throw keysRefused(differing, keyFiles, await findRotationsThatRetired(db, keys, mine.master));
  }
}

/** The variable naming each key's file, for the refusals that say which file to give. */
const KEY_FILE_VARIABLES: Record<LogKeyPurpose, string> = {
  signing: 'AUDIT_SIGNING_KEY_FILE',
  master: 'AUDIT_MASTER_KEY_FILE',
  pseudonym: 'AUDIT_PSEUDONYM_KEY_FILE',
};

/**
 * The seq of the rotation that retired this process's signing key, and of the one that replaced its
 * master key, when one did: the process was started with the key held before a rotation (its file
 * not changed after `npm run audit:rotate-*`), and the operator needs the new key, not the advice
 * to give every process the same keys.
 */
async function findRotationsThatRetired(
  db: Knex,
  keys: DecisionLogKeys,
  masterFingerprint: string,
): Promise<Map<LogKeyPurpose, number>> {
  const retiredBy = new Map<LogKeyPurpose, number>();
  const signingKeyId = computeKeyId(crypto.createPublicKey(keys.signingKey));
  const signing = (await readRotations(db)).find((rotation) => rotation.retiredKeyId === signingKeyId);
  if (signing !== undefined) retiredBy.set('signing', signing.seq);
  const masterRotations: Array<{ seq: unknown; payload: unknown }> = await db(EVENTS)
    .where({ type: 'log.master_key_rotated' })
    .orderBy('seq')
    .select('seq', 'payload');
  const master = masterRotations.find((row) => {
    const payload = readJson(row.payload);
    return (
      typeof payload === 'object' &&
      payload !== null &&
      (payload as Record<string, unknown>).retiredKeyFingerprint === masterFingerprint
    );
  });
  if (master !== undefined) retiredBy.set('master', readNumber(master.seq));
  return retiredBy;
}

function keysRefused(
  differing: readonly LogKeyPurpose[],
  keyFiles: Record<LogKeyPurpose, string>,
  retiredBy: ReadonlyMap<LogKeyPurpose, number>,
): Error {
  const sorted = [...differing].sort();
  const rotations = sorted.flatMap((purpose) => {
    const seq = retiredBy.get(purpose);
    if (seq === undefined) return [];
    const event = purpose === 'signing' ? 'log.signing_key_rotated' : 'log.master_key_rotated';
    return [
      `its ${purpose} key (read from ${keyFiles[purpose]}) was retired by the key rotation at seq ${seq} ` +
        `(${event}): start it with the new key that rotation handed over to, ${KEY_FILE_VARIABLES[purpose]} ` +
        `naming that key's file (or that key put in ${keyFiles[purpose]})`,
    ];
  });
  const written = `this database's decision log is written with other keys than this process's (${sorted.join(', ')}`;
  if (rotations.length === sorted.length) return new Error(`${written}): ${rotations.join('; ')}`);
  return new Error(
    [
      `${written}; read from ${Object.values(keyFiles).join(', ')}): every process on one database needs the ` +
        'same keys, the same AUDIT_*_KEY_FILE files or the same DATA_DIR. Started with these, it would sign ' +
        'checkpoints that fail verification, give people second pseudonyms, and hide data keys from an erasure',
      ...rotations,
    ].join('; '),
  );
}
