import crypto, { type KeyObject } from 'node:crypto';
import { problemType, ServiceUnavailableError } from '../shared/errors.ts';
import { canonicalJson } from './canonical-json.ts';

/** A signed statement that the log held `seq` events and that event `seq` had hash `hash`. */
export interface Checkpoint {
  seq: number;
  hash: string;
  signedAt: string;
  /** RFC 7638 thumbprint of the public key that verifies `signature`. */
  keyId: string;
  /** Ed25519 signature over {@link checkpointMessage}, base64url. */
  signature: string;
}

/** The exact bytes a checkpoint's signature covers. */
export function checkpointMessage(checkpoint: Pick<Checkpoint, 'seq' | 'hash' | 'signedAt'>): Buffer {
  return Buffer.from(
    canonicalJson({
      type: 'aiguillage.decision-log.checkpoint.v1',
      seq: checkpoint.seq,
      hash: checkpoint.hash,
      signedAt: checkpoint.signedAt,
    }),
    'utf8',
  );
}

/** A key that has signed the log's checkpoints. */
export interface SigningKeyRecord {
  /** RFC 7638 thumbprint, as checkpoints name it. */
  keyId: string;
  publicKeyPem: string;
  /**
   * The seq of the `log.signing_key_rotated` event that retired it: it may sign no checkpoint
   * beyond. Null for the key in use.
   */
  retiredAtSeq: number | null;
  /** When that event was recorded; null for the key in use. */
  retiredAt: string | null;
}

/** The keys checkpoints may be signed with, by key id, each with the last seq it may sign (null: any). */
export type SigningKeys = ReadonlyMap<string, { publicKey: KeyObject; retiredAtSeq: number | null }>;

/** The keys by the id computed from each (never by a stored id, which could lie). */
export function toSigningKeys(
  records: readonly Pick<SigningKeyRecord, 'publicKeyPem' | 'retiredAtSeq'>[],
): SigningKeys {
  return new Map(
    records.map((record) => {
      const publicKey = crypto.createPublicKey(record.publicKeyPem);
      return [computeKeyId(publicKey), { publicKey, retiredAtSeq: record.retiredAtSeq }];
    }),
  );
}

/** Signs checkpoints with the log's Ed25519 key. */
export class CheckpointSigner {
  readonly publicKey: KeyObject;
  readonly keyId: string;
  readonly #privateKey: KeyObject;

  constructor(privateKey: KeyObject) {
    if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
      throw new Error('checkpoints are signed with an Ed25519 private key');
    }
    this.#privateKey = privateKey;
    this.publicKey = crypto.createPublicKey(privateKey);
    this.keyId = computeKeyId(this.publicKey);
  }

  sign(seq: number, hash: string, signedAt: string): Checkpoint {
    const signature = crypto.sign(null, checkpointMessage({ seq, hash, signedAt }), this.#privateKey);
    return { seq, hash, signedAt, keyId: this.keyId, signature: signature.toString('base64url') };
  }

  /** The public key in SPKI PEM, for auditors and the offline verifier. */
  exportPublicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }
}

/** Whether the checkpoint was signed by the private half of `publicKey` and left unchanged since. */
export function verifyCheckpointSignature(checkpoint: Checkpoint, publicKey: KeyObject | string): boolean {
  const key = typeof publicKey === 'string' ? crypto.createPublicKey(publicKey) : publicKey;
  const signature = Buffer.from(checkpoint.signature, 'base64url');
  try {
    return crypto.verify(null, checkpointMessage(checkpoint), key, signature);
  } catch {
    return false;
  }
}

/** RFC 7638 JWK thumbprint: SHA-256 of the required members in canonical JSON, base64url. */
export function computeKeyId(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const required = { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return crypto.createHash('sha256').update(canonicalJson(required), 'utf8').digest('base64url');
}

/**
 * A rotation (`npm run audit:rotate-signing-key`) retired the key this process signs checkpoints
 * with. A checkpoint it signed past the rotation would fail every later verification of the log
 * (a retired key vouches for nothing after its retirement), so it signs none: only a restart with
 * the new key helps (503).
 */
export class SigningKeyRetiredError extends ServiceUnavailableError {
  constructor() {
    super(
      'the decision log signing key was retired by a rotation; restart the service with the new key',
      problemType('signing-key-retired'),
    );
  }
}
