/**
 * The log's signing keys: each key's public half, recorded once, the `log.signing_key_rotated`
 * events that retire them, read back from the chain, and from both the keys the chain vouches for.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { readJson, readNumber } from '../db/row-values.ts';
import { type CheckpointSigner, computeKeyId, type SigningKeyRecord } from './checkpoint-signer.ts';
import { EVENTS, SIGNING_KEYS } from './decision-log-tables.ts';

/** A `log.signing_key_rotated` event as the keys are read from it. */
export interface SigningKeyRotation {
  seq: number;
  occurredAt: string;
  retiredKeyId?: string;
  keyId?: string;
}

/** Records a signing key's public half, once. */
export async function insertSigningKey(db: Knex, signer: CheckpointSigner, now: string): Promise<void> {
  await db(SIGNING_KEYS)
    .insert({ key_id: signer.keyId, public_key_pem: signer.exportPublicKeyPem(), recorded_at: now })
    .onConflict('key_id')
    .ignore();
}

/**
 * The keys the chain vouches for: the key in use, then each key a `log.signing_key_rotated`
 * event retired, bounded by that event's seq. The key in use is `signer`'s, this process's own,
 * unless a rotation retired it (a process left running through a rotation), and the key the last
 * rotation handed over to. Public halves come from the table of signing keys, but only under an id
 * the chain names (computed from the key, which no other key matches): a row added by hand is never
 * used.
 */
export async function listSigningKeys(db: Knex, signer: CheckpointSigner): Promise<SigningKeyRecord[]> {
  const retired: SigningKeyRecord[] = [];
  let handedTo: string | undefined;
  for (const { seq, occurredAt, retiredKeyId, keyId } of await readRotations(db)) {
    handedTo = keyId;
    const publicKeyPem = retiredKeyId === undefined ? undefined : await findSigningKeyPem(db, retiredKeyId);
    if (retiredKeyId === undefined || publicKeyPem === undefined) continue;
    retired.push({ keyId: retiredKeyId, publicKeyPem, retiredAtSeq: seq, retiredAt: occurredAt });
  }
  const isRetired = (keyId: string) => retired.some((key) => key.keyId === keyId);
  const inUse: SigningKeyRecord[] = [];
  if (!isRetired(signer.keyId)) {
    inUse.push({
      keyId: signer.keyId,
      publicKeyPem: signer.exportPublicKeyPem(),
      retiredAtSeq: null,
      retiredAt: null,
    });
  }
  if (handedTo !== undefined && handedTo !== signer.keyId && !isRetired(handedTo)) {
    const publicKeyPem = await findSigningKeyPem(db, handedTo);
    if (publicKeyPem !== undefined)
      inUse.push({ keyId: handedTo, publicKeyPem, retiredAtSeq: null, retiredAt: null });
  }
  return [...inUse, ...retired];
}

/** The stored public half of the key with this id, when it is that key's. */
async function findSigningKeyPem(db: Knex, keyId: string): Promise<string | undefined> {
  const row: Record<string, unknown> | undefined = await db(SIGNING_KEYS).where({ key_id: keyId }).first();
  if (row === undefined) return undefined;
  const publicKeyPem = String(row.public_key_pem);
  return computeKeyId(crypto.createPublicKey(publicKeyPem)) === keyId ? publicKeyPem : undefined;
}

/** The signing-key rotations in the chain, oldest first (a few events, read by their type's index). */
export async function readRotations(db: Knex | Knex.Transaction): Promise<SigningKeyRotation[]> {
  const rows: Record<string, unknown>[] = await db(EVENTS)
    .where({ type: 'log.signing_key_rotated' })
    .orderBy('seq')
    .select('seq', 'occurred_at', 'payload');
  return rows.map((row) => ({
    seq: readNumber(row.seq),
    occurredAt: String(row.occurred_at),
    ...readRotation(row.payload),
  }));
}

/** The keys a `log.signing_key_rotated` payload names (stored as JSON text or as an object). */
function readRotation(payload: unknown): { retiredKeyId?: string; keyId?: string } {
  const value = readJson(payload);
  if (typeof value !== 'object' || value === null) return {};
  const { retiredKeyId, keyId } = value as Record<string, unknown>;
  return {
    ...(typeof retiredKeyId === 'string' ? { retiredKeyId } : {}),
    ...(typeof keyId === 'string' ? { keyId } : {}),
  };
}
