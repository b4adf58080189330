/**
 * How an event is hashed and written: checked, its payload written once as canonical JSON, its
 * personal part sealed, stamped and chained after the head its transaction holds locked
 * (`chain-head-lock.ts`), hashed, then stored with the head row moved onto it, and signed in a
 * checkpoint when it is the N-th, all in the caller's transaction.
 */
import type { Knex } from 'knex';
import { createTimeOrderedId } from '../shared/time-ordered-id.ts';
import { canonicalJson } from './canonical-json.ts';
import type { ChainHeadLock } from './chain-head-lock.ts';
import type { CheckpointSigner } from './checkpoint-signer.ts';
import { type CheckpointSigning, insertCheckpoint } from './checkpoint-signing.ts';
import {
  type DecisionEvent,
  hashEventText,
  isActorRole,
  isDecisionEventType,
  type NewDecisionEvent,
  writeHashedText,
} from './decision-event.ts';
import { EVENTS, HEAD, HEAD_ID } from './decision-log-tables.ts';
import type { Pseudonymiser } from './pseudonymiser.ts';
import { toEventRow } from './stored-decision-event.ts';
import type { SubjectKeyring } from './subject-keyring.ts';

export interface EventAppenderOptions {
  pseudonymiser: Pseudonymiser;
  keyring: SubjectKeyring;
  signer: CheckpointSigner;
  /** Sign a checkpoint in the append transaction of every N-th event (0: only on demand). */
  checkpointEvery: number;
  now: () => Date;
  heads: ChainHeadLock;
  checkpoints: CheckpointSigning;
}

/** Appends the events of one log: see {@link DecisionLog.append}. */
export class EventAppender {
  private readonly pseudonymiser: Pseudonymiser;
  private readonly keyring: SubjectKeyring;
  private readonly signer: CheckpointSigner;
  private readonly checkpointEvery: number;
  private readonly now: () => Date;
  private readonly heads: ChainHeadLock;
  private readonly checkpoints: CheckpointSigning;

  constructor(options: EventAppenderOptions) {
    if (!Number.isInteger(options.checkpointEvery) || options.checkpointEvery < 0) {
      throw new Error('checkpointEvery must be a non-negative integer');
    }
    this.pseudonymiser = options.pseudonymiser;
    this.keyring = options.keyring;
    this.signer = options.signer;
    this.checkpointEvery = options.checkpointEvery;
    this.now = options.now;
    this.heads = options.heads;
    this.checkpoints = options.checkpoints;
  }

  async append(trx: Knex.Transaction, event: NewDecisionEvent): Promise<DecisionEvent> {
    if (!isDecisionEventType(event.type)) {
      throw new Error(`unknown decision event type ${String(event.type)}`);
    }
    if (!isActorRole(event.actor.role)) throw new Error(`unknown actor role ${String(event.actor.role)}`);
    if (event.actor.id === '') throw new Error('a decision event needs the id of its actor');
    if (typeof event.payload !== 'object' || event.payload === null || Array.isArray(event.payload)) {
      throw new Error('a decision event payload is a JSON object');
    }
    // Written once as canonical JSON: stored and hashed as such, and copied from it, so that the
    // caller can no longer change what gets hashed.
    const payloadText = canonicalJson(event.payload);
    const payload = JSON.parse(payloadText) as Record<string, unknown>;
    const subjectId = event.subjectId ?? null;
    let personal: string | null = null;
    if (event.personal !== undefined) {
      if (subjectId === null) throw new Error('a personal part needs the job seeker it is about');
      personal = await this.keyring.encryptPersonal(trx, subjectId, event.personal);
    }

    // Locking the head (row lock on PostgreSQL, write lock on SQLite) holds it until the transaction
    // ends: the next appender waits there and then reads this event's seq and hash. Within one
    // transaction the head stays where this transaction's last append left it.
    const head = await this.heads.lock(trx);
    const unhashed: Omit<DecisionEvent, 'hash'> = {
      seq: head.seq + 1,
      eventId: createTimeOrderedId(),
      type: event.type,
      occurredAt: await this.heads.stamp(trx, head, event.at ?? this.now()),
      actor: {
        role: event.actor.role,
        // System jobs are not people: their names stay readable for auditors.
        pseudonym:
          event.actor.role === 'system' ? event.actor.id : this.pseudonymiser.pseudonymise(event.actor.id),
      },
      subject: subjectId === null ? null : this.pseudonymiser.pseudonymise(subjectId),
      payload,
      personal,
      prevHash: head.hash,
    };
    const recorded: DecisionEvent = {
      ...unhashed,
      hash: hashEventText(unhashed.prevHash, writeHashedText(unhashed, payloadText)),
    };
    await trx(EVENTS).insert(toEventRow(recorded, payloadText));
    await trx(HEAD).where({ id: HEAD_ID }).update({ seq: recorded.seq, hash: recorded.hash });
    this.heads.moveTo(trx, { seq: recorded.seq, hash: recorded.hash });
    // A process left running through a rotation skips the checkpoints due past it: one signed with
    // the retired key would fail every later verification. The events themselves are fine, and the
    // next process with the new key signs over them. The rotations are read only when a checkpoint
    // is due, not on every append.
    if (
      this.checkpointEvery > 0 &&
      recorded.seq % this.checkpointEvery === 0 &&
      (await this.checkpoints.maySignAt(trx, recorded.seq))
    ) {
      await insertCheckpoint(trx, this.signer.sign(recorded.seq, recorded.hash, recorded.occurredAt));
    }
    return recorded;
  }
}
