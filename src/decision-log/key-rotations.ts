/**
 * How key rotations are recorded: the signing key's (its event, the checkpoint the retired key
 * signs at it, the new key's public half and fingerprint) and the master key's (every data key
 * wrapped again, its event, the new key's fingerprint), each in one transaction of the log.
 */
import type { Checkpoint, CheckpointSigner } from './checkpoint-signer.ts';
import type { CheckpointSigning } from './checkpoint-signing.ts';
import type { DecisionLog } from './decision-log.ts';
import {
  fingerprintMasterKey,
  recordMasterKeyFingerprint,
  recordSigningKeyFingerprint,
} from './key-fingerprints.ts';
import { insertSigningKey, readRotations } from './signing-keys.ts';
import type { SubjectKeyring } from './subject-keyring.ts';

/** What a master-key rotation did. */
export interface MasterKeyRotation {
  /** The seq of its `log.master_key_rotated` event. */
  seq: number;
  /** The new master key's fingerprint, as recorded. */
  keyFingerprint: string;
  /** How many data keys it wrapped again (every one not destroyed). */
  rewrappedDataKeys: number;
}

/** The log a rotation is recorded in, and the keys it holds. */
export interface RotatingLog {
  /** Its transactions and appends. */
  log: Pick<DecisionLog, 'withTransaction' | 'append'>;
  checkpoints: CheckpointSigning;
  /** The signing key in use. */
  signer: CheckpointSigner;
  /** The keyring wrapping data keys under the master key in use. */
  keyring: SubjectKeyring;
  now: () => Date;
}

/**
 * Hands the signing of checkpoints over to `next`: appends `log.signing_key_rotated` (which
 * retires the key in use at its seq), signs a checkpoint at it with that key (which so vouches for
 * the whole log up to the rotation), and records `next` with its fingerprint, in one transaction. The
 * log still signs with the retired key: it is for the rotation command alone, which exits.
 * `next` must be a key the log has never retired: a retired key vouches for nothing past its
 * retirement, so the log could never be signed again (every export refused, never ready).
 */
export async function rotateSigningKey(
  { log, checkpoints, signer, now }: RotatingLog,
  next: CheckpointSigner,
  operatorId: string,
): Promise<Checkpoint> {
  if (next.keyId === signer.keyId) {
    throw new Error('the new signing key is the one in use; generate a new key');
  }
  return log.withTransaction(async (trx) => {
    const retirement = (await readRotations(trx)).find((rotation) => rotation.retiredKeyId === next.keyId);
    if (retirement !== undefined) {
      throw new Error(
        `the new signing key ${next.keyId} was retired by the rotation at seq ${retirement.seq} and may sign nothing past it; generate a new key`,
      );
    }
    await log.append(trx, {
      type: 'log.signing_key_rotated',
      actor: { role: 'admin', id: operatorId },
      payload: { retiredKeyId: signer.keyId, keyId: next.keyId },
    });
    const checkpoint = await checkpoints.signHead(trx);
    if (checkpoint === undefined) throw new Error('the rotation event was not appended');
    const at = now().toISOString();
    await insertSigningKey(trx, next, at);
    await recordSigningKeyFingerprint(trx, next.publicKey, at);
    return checkpoint;
  });
}

/**
 * Hands the wrapping of the job seekers' data keys over to `next`: wraps every stored data key
 * again under it, appends `log.master_key_rotated` and records `next`'s fingerprint, in one
 * transaction, so that a key that does not open leaves everything as it was. From then on only a
 * process with `next` starts, and the retired key opens nothing the database holds. The log
 * still holds the retired key: it is for the rotation command alone, which exits.
 */
export async function rotateMasterKey(
  { log, keyring, now }: RotatingLog,
  next: Buffer,
  operatorId: string,
): Promise<MasterKeyRotation> {
  return log.withTransaction(async (trx) => {
    // Read under the head's lock: another rotation that committed while this one waited for it
    // replaced the key this one holds; wrapping again from it would record a second retirement of the
    // same key (and, with no data key to open, pass unnoticed).
    if (!(await keyring.isMasterKeyInUse(trx))) {
      throw new Error(
        'another rotation replaced the master key in use while this one waited: nothing changed; the key it handed over to is the one in use now',
      );
    }
    const rewrappedDataKeys = await keyring.rewrapDataKeys(trx, next);
    const keyFingerprint = fingerprintMasterKey(next);
    const event = await log.append(trx, {
      type: 'log.master_key_rotated',
      actor: { role: 'admin', id: operatorId },
      payload: {
        retiredKeyFingerprint: keyring.masterKeyFingerprint,
        keyFingerprint,
        rewrappedDataKeys,
      },
    });
    await recordMasterKeyFingerprint(trx, next, now().toISOString());
    return { seq: event.seq, keyFingerprint, rewrappedDataKeys };
  });
}
