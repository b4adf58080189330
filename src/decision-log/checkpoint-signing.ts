/**
 * Signed checkpoints: one at the head on demand (and at a signing-key rotation), written beside the
 * events, and whether this process's key may still sign at a seq once a rotation has retired it.
 * The checkpoint due every N events is signed by the append (`event-appender.ts`) with these.
 */
import type { Knex } from 'knex';
import type { ChainHeadLock } from './chain-head-lock.ts';
import { type Checkpoint, type CheckpointSigner, SigningKeyRetiredError } from './checkpoint-signer.ts';
import { CHECKPOINTS } from './decision-log-tables.ts';
import { readRotations } from './signing-keys.ts';
import { toCheckpoint, toCheckpointRow } from './stored-checkpoint.ts';

/** Signs the checkpoints of one log with this process's key. */
export class CheckpointSigning {
  constructor(
    private readonly db: Knex,
    private readonly signer: CheckpointSigner,
    private readonly heads: ChainHeadLock,
    private readonly now: () => Date,
  ) {}

  /** A checkpoint at the head, signed now unless one is there already; none for an empty log. */
  async signHead(trx: Knex.Transaction): Promise<Checkpoint | undefined> {
    // Locked so that the head cannot move between reading and signing it.
    const head = await this.heads.lock(trx);
    if (head.seq === 0) return undefined;
    const existing = await trx(CHECKPOINTS).where({ seq: head.seq }).first();
    if (existing !== undefined) return toCheckpoint(existing);
    if (!(await this.maySignAt(trx, head.seq))) throw new SigningKeyRetiredError();
    const checkpoint = this.signer.sign(head.seq, head.hash, this.now().toISOString());
    await insertCheckpoint(trx, checkpoint);
    return checkpoint;
  }

  /** Whether this process's signing key is still the log's: no rotation retired it. */
  async isSigningKeyInUse(): Promise<boolean> {
    return (await this.findRetirementSeq(this.db)) === undefined;
  }

  /**
   * Whether this process's key may sign a checkpoint at `seq`: a key vouches for the log up to its
   * retirement's seq (the rotation signs there), never past it.
   */
  async maySignAt(trx: Knex.Transaction, seq: number): Promise<boolean> {
    const retiredAtSeq = await this.findRetirementSeq(trx);
    return retiredAtSeq === undefined || seq <= retiredAtSeq;
  }

  /** The seq of the rotation that retired this process's signing key; undefined while none did. */
  private async findRetirementSeq(db: Knex | Knex.Transaction): Promise<number | undefined> {
    const rotations = await readRotations(db);
    return rotations.find((rotation) => rotation.retiredKeyId === this.signer.keyId)?.seq;
  }
}

/**
 * Writes a signed checkpoint in `trx`. The statement is returned, not awaited here: the caller's
 * await runs it, so an append pays for no further step.
 */
export function insertCheckpoint(trx: Knex.Transaction, checkpoint: Checkpoint): Knex.QueryBuilder {
  return trx(CHECKPOINTS).insert(toCheckpointRow(checkpoint));
}
