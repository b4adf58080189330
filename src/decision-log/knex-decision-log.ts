/**
 * The decision log on knex, put together from its parts: the head's lock and clock
 * (`chain-head-lock.ts`), the append that hashes and writes an event (`event-appender.ts`), signed
 * checkpoints (`checkpoint-signing.ts`), the signing keys (`signing-keys.ts`), key rotations
 * (`key-rotations.ts`), the services' lookups (`event-lookups.ts`), the auditors' reads
 * (`log-reads.ts`) and the verification of a range (`verify-stored-range.ts`).
 */
import type { Knex } from 'knex';
import { ChainHeadLock } from './chain-head-lock.ts';
import type { Checkpoint, CheckpointSigner, SigningKeyRecord } from './checkpoint-signer.ts';
import { CheckpointSigning } from './checkpoint-signing.ts';
import type {
  DecisionEvent,
  DecisionEventType,
  NewDecisionEvent,
  RecordedDecisionEvent,
} from './decision-event.ts';
import type {
  ChainHead,
  DecisionLog,
  DecisionLogReader,
  EventQuery,
  LoggedSet,
  RangeVerification,
} from './decision-log.ts';
import { EventAppender } from './event-appender.ts';
import {
  type EventLookupSource,
  findLatestEventAbout,
  listEventsAbout,
  listEventsOfTypes,
  listLoggedSets,
  listQueriesNaming,
} from './event-lookups.ts';
import {
  type MasterKeyRotation,
  type RotatingLog,
  rotateMasterKey,
  rotateSigningKey,
} from './key-rotations.ts';
import { listCheckpoints, listEvents, readHead, streamEvents } from './log-reads.ts';
import type { Pseudonymiser } from './pseudonymiser.ts';
import { insertSigningKey, listSigningKeys } from './signing-keys.ts';
import type { SubjectKeyring } from './subject-keyring.ts';
import { verifyStoredRange } from './verify-stored-range.ts';

// Still exported from here, the log's entry point, where the tampering tests import the hashed text's SQL.
export { writeHashedTextSql } from './hashed-text-sql.ts';
export type { MasterKeyRotation } from './key-rotations.ts';

export interface KnexDecisionLogOptions {
  pseudonymiser: Pseudonymiser;
  keyring: SubjectKeyring;
  signer: CheckpointSigner;
  /** Sign a checkpoint in the append transaction of every N-th event (0: only on demand). */
  checkpointEvery: number;
  now?: () => Date;
}

/** The decision log in the application's database (SQLite or PostgreSQL). */
export class KnexDecisionLog implements DecisionLog, DecisionLogReader {
  private readonly signer: CheckpointSigner;
  private readonly now: () => Date;
  private readonly heads: ChainHeadLock;
  private readonly checkpoints: CheckpointSigning;
  private readonly appender: EventAppender;
  private readonly lookups: EventLookupSource;
  private readonly rotating: RotatingLog;

  constructor(
    private readonly db: Knex,
    options: KnexDecisionLogOptions,
  ) {
    this.signer = options.signer;
    this.now = options.now ?? (() => new Date());
    this.heads = new ChainHeadLock(db);
    this.checkpoints = new CheckpointSigning(db, this.signer, this.heads, this.now);
    this.appender = new EventAppender({
      pseudonymiser: options.pseudonymiser,
      keyring: options.keyring,
      signer: this.signer,
      checkpointEvery: options.checkpointEvery,
      now: this.now,
      heads: this.heads,
      checkpoints: this.checkpoints,
    });
    this.lookups = { db, pseudonymiser: options.pseudonymiser };
    this.rotating = {
      log: this,
      checkpoints: this.checkpoints,
      signer: this.signer,
      keyring: options.keyring,
      now: this.now,
    };
  }

  append(trx: Knex.Transaction, event: NewDecisionEvent): Promise<DecisionEvent> {
    return this.appender.append(trx, event);
  }

  withTransaction<T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.heads.withTransaction(work);
  }

  lockHead(trx: Knex.Transaction): Promise<ChainHead> {
    return this.heads.lock(trx);
  }

  timeAt(trx: Knex.Transaction, at: Date): Promise<Date> {
    return this.heads.timeAt(trx, at);
  }

  createCheckpoint(): Promise<Checkpoint | undefined> {
    return this.withTransaction((trx) => this.checkpoints.signHead(trx));
  }

  /** Whether this process's signing key is still the log's: no rotation retired it. */
  isSigningKeyInUse(): Promise<boolean> {
    return this.checkpoints.isSigningKeyInUse();
  }

  /** Records the key in use among the log's signing keys, once: every process starting with it calls this. */
  async recordSigningKey(): Promise<void> {
    await insertSigningKey(this.db, this.signer, this.now().toISOString());
  }

  /** The keys the chain vouches for, this process's first while it is in use (see `listSigningKeys`). */
  listSigningKeys(): Promise<SigningKeyRecord[]> {
    return listSigningKeys(this.db, this.signer);
  }

  /**
   * Hands the signing of checkpoints over to `next` (see `rotateSigningKey`). This instance still
   * signs with the retired key: it is for the rotation command alone, which exits.
   */
  rotateSigningKey(next: CheckpointSigner, operatorId: string): Promise<Checkpoint> {
    return rotateSigningKey(this.rotating, next, operatorId);
  }

  /**
   * Hands the wrapping of the job seekers' data keys over to `next` (see `rotateMasterKey`). This
   * instance still holds the retired key: it is for the rotation command alone, which exits.
   */
  rotateMasterKey(next: Buffer, operatorId: string): Promise<MasterKeyRotation> {
    return rotateMasterKey(this.rotating, next, operatorId);
  }

  findLatestEventAbout(
    subjectId: string,
    types: readonly DecisionEventType[],
    trx?: Knex.Transaction,
    range?: { beforeSeq: number },
  ): Promise<DecisionEvent | undefined> {
    return findLatestEventAbout(this.lookups, subjectId, types, trx, range);
  }

  listEventsAbout(subjectId: string, trx?: Knex.Transaction): Promise<RecordedDecisionEvent[]> {
    return listEventsAbout(this.lookups, subjectId, trx);
  }

  listQueriesNaming(subjectId: string, trx?: Knex.Transaction): Promise<RecordedDecisionEvent[]> {
    return listQueriesNaming(this.lookups, subjectId, trx);
  }

  listEventsOfTypes(
    types: readonly DecisionEventType[],
    trx?: Knex.Transaction,
  ): Promise<RecordedDecisionEvent[]> {
    return listEventsOfTypes(this.lookups, types, trx);
  }

  listLoggedSets(setIds: readonly string[], trx?: Knex.Transaction): Promise<LoggedSet[]> {
    return listLoggedSets(this.lookups, setIds, trx);
  }

  listEvents(query: EventQuery = {}): Promise<DecisionEvent[]> {
    return listEvents(this.db, query);
  }

  streamEvents(range: { fromSeq?: number; toSeq?: number } = {}): AsyncIterable<RecordedDecisionEvent> {
    return streamEvents(this.db, range);
  }

  readHead(): Promise<ChainHead> {
    return readHead(this.db);
  }

  listCheckpoints(query: { afterSeq?: number; limit?: number } = {}): Promise<Checkpoint[]> {
    return listCheckpoints(this.db, query);
  }

  verifyRange(fromSeq = 1, toSeq?: number): Promise<RangeVerification> {
    return verifyStoredRange(this.db, this.signer, fromSeq, toSeq);
  }

  exportPublicKeyPem(): string {
    return this.signer.exportPublicKeyPem();
  }
}
