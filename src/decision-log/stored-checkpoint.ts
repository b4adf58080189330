import { readNumber } from '../db/row-values.ts';
import type { Checkpoint } from './checkpoint-signer.ts';

/** A checkpoint as a `decision_checkpoints` row. */
export function toCheckpointRow(checkpoint: Checkpoint): Record<string, unknown> {
  return {
    seq: checkpoint.seq,
    hash: checkpoint.hash,
    signed_at: checkpoint.signedAt,
    key_id: checkpoint.keyId,
    signature: checkpoint.signature,
  };
}

/** A `decision_checkpoints` row as either engine returns it. */
export function toCheckpoint(row: Record<string, unknown>): Checkpoint {
  return {
    seq: readNumber(row.seq),
    hash: String(row.hash),
    signedAt: String(row.signed_at),
    keyId: String(row.key_id),
    signature: String(row.signature),
  };
}
