/**
 * What lets an auditor check the log holds what was written: the chain verified over a range, the
 * signed checkpoints, and the public keys that verify them.
 */
import crypto from 'node:crypto';
import type { Checkpoint, SigningKeyRecord } from '../decision-log/checkpoint-signer.ts';
import { computeKeyId } from '../decision-log/checkpoint-signer.ts';
import type { ChainHead, RangeVerification } from '../decision-log/decision-log.ts';
import { takePage } from '../shared/take-page.ts';
import type { AuditServiceDeps } from './audit-service-deps.ts';
import type { AuditRequest, AuditTrail } from './audit-trail.ts';

export interface AuditVerification extends RangeVerification {
  /** The head of the log after the verification. */
  head: ChainHead;
}

export interface CheckpointsPage {
  checkpoints: Checkpoint[];
  nextAfterSeq: number | null;
}

export interface AuditPublicKey {
  algorithm: 'Ed25519';
  /** RFC 7638 thumbprint of the key in use, as in each checkpoint's `keyId`. */
  keyId: string;
  publicKeyPem: string;
  /** Every key that has signed checkpoints, oldest first: the one in use, and any a rotation retired. */
  keys: SigningKeyRecord[];
}

/** Verifies the chain from `fromSeq` (default 1) to `toSeq` (default: the head). */
export async function verifyAuditLog(
  deps: Pick<AuditServiceDeps, 'log' | 'onVerified'>,
  trail: AuditTrail,
  request: AuditRequest,
  range: { fromSeq?: number; toSeq?: number },
): Promise<AuditVerification> {
  await trail.checkPurpose(request, 'verifyAuditLog');
  const verification = await deps.log.verifyRange(range.fromSeq, range.toSeq);
  await trail.record(request, 'verifyAuditLog', range, verification.checked);
  deps.onVerified?.(verification);
  return { ...verification, head: await deps.log.readHead() };
}

/** Signed checkpoints after the cursor (and up to `toSeq`), in seq order. */
export async function listAuditCheckpoints(
  deps: Pick<AuditServiceDeps, 'log'>,
  trail: AuditTrail,
  request: AuditRequest,
  page: { afterSeq: number; limit: number; toSeq?: number },
): Promise<CheckpointsPage> {
  await trail.checkPurpose(request, 'listAuditCheckpoints');
  const { toSeq } = page;
  const found = (await deps.log.listCheckpoints({ afterSeq: page.afterSeq, limit: page.limit + 1 })).filter(
    (checkpoint) => toSeq === undefined || checkpoint.seq <= toSeq,
  );
  const { items: checkpoints, next } = takePage(found, page.limit);
  await trail.record(request, 'listAuditCheckpoints', page, checkpoints.length);
  return { checkpoints, nextAfterSeq: next?.seq ?? null };
}

/** The Ed25519 public key that verifies the checkpoints. */
export async function readAuditPublicKey(
  deps: Pick<AuditServiceDeps, 'log'>,
  trail: AuditTrail,
  request: AuditRequest,
): Promise<AuditPublicKey> {
  await trail.checkPurpose(request, 'getAuditPublicKey');
  const publicKeyPem = deps.log.exportPublicKeyPem();
  const keys = await deps.log.listSigningKeys();
  await trail.record(request, 'getAuditPublicKey', {}, keys.length);
  return {
    algorithm: 'Ed25519',
    keyId: computeKeyId(crypto.createPublicKey(publicKeyPem)),
    publicKeyPem,
    keys,
  };
}
