import type { Knex } from 'knex';
import type { Checkpoint, SigningKeyRecord } from './checkpoint-signer.ts';
import type {
  DecisionEvent,
  DecisionEventType,
  NewDecisionEvent,
  RecordedDecisionEvent,
} from './decision-event.ts';
import type { ChainVerification, SeqRange } from './verify-chain.ts';

/**
 * The append port services use. A state change and its event commit together (principle 3):
 * the service opens the transaction (with {@link DecisionLog.withTransaction}), makes its change
 * through its store with that transaction, then appends, as the last write of the transaction.
 */
export interface DecisionLog {
  /**
   * Appends one event inside the caller's transaction and returns it as recorded (seq, hash…).
   * Appends are serialised on the chain head, which the transaction holds until it ends: the
   * chain never forks, and a rolled-back transaction leaves no gap. Every `checkpointEvery`
   * events a signed checkpoint is written in the same transaction.
   */
  append(trx: Knex.Transaction, event: NewDecisionEvent): Promise<DecisionEvent>;
  /**
   * Runs `work` in a transaction fit for appending, whose first statement locks the chain's head
   * until the commit: writers take turns before they read, on both engines. What `work` reads
   * (the settings, a set, a person) then cannot change under it before its change and event are
   * committed; on SQLite the lock is taken as `BEGIN IMMEDIATE` would take it, so another
   * process's commit cannot make the later append fail with SQLITE_BUSY.
   */
  withTransaction<T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T>;
  /**
   * Signs a checkpoint of the current head now; undefined when the log is empty. Throws a
   * `SigningKeyRetiredError` when a rotation retired this process's signing key.
   */
  createCheckpoint(): Promise<Checkpoint | undefined>;
  /** Whether this process's signing key is still the log's (no rotation retired it). */
  isSigningKeyInUse(): Promise<boolean>;
  /**
   * The latest event about a job seeker among `types`, read in `trx` when given (the log is never
   * deleted from, so it outlives their profile); undefined when there is none. With `beforeSeq`,
   * the latest of those logged before that event.
   */
  findLatestEventAbout(
    subjectId: string,
    types: readonly DecisionEventType[],
    trx?: Knex.Transaction,
    range?: { beforeSeq: number },
  ): Promise<DecisionEvent | undefined>;
  /**
   * Every event about a job seeker, oldest first, exactly as recorded (nothing in them trusted, so
   * that an altered row is still shown), read in `trx` when given.
   */
  listEventsAbout(subjectId: string, trx?: Knex.Transaction): Promise<RecordedDecisionEvent[]>;
  /**
   * The auditors' reads of the log that named a job seeker: the `audit.queried` events whose
   * `subject` or `actor` filter is their pseudonym, oldest first, exactly as recorded, read in `trx`
   * when given (indexed: one partial index per filter). Such an event is not about the person (it has
   * no subject): it is not among {@link listEventsAbout}'s, an auditor's `subject` filter does not
   * return it, and it keeps nothing of theirs longer.
   */
  listQueriesNaming(subjectId: string, trx?: Knex.Transaction): Promise<RecordedDecisionEvent[]>;
  /**
   * Every event of `types`, oldest first, exactly as recorded, read in `trx` when given: for types of
   * which the log holds few (the incidents), since all are read.
   */
  listEventsOfTypes(
    types: readonly DecisionEventType[],
    trx?: Knex.Transaction,
  ): Promise<RecordedDecisionEvent[]>;
  /**
   * The sets among `setIds` whose creation the log records (`recommendation.generated`,
   * `recommendation.created_manually`), read from the index of the events naming a set: the log
   * keeps them after the set's rows are deleted. Each says whether its person's data was erased
   * since it was made (a `subject.erased` about the same pseudonym after it). Read in `trx` when given.
   */
  listLoggedSets(setIds: readonly string[], trx?: Knex.Transaction): Promise<LoggedSet[]>;
  /**
   * Takes the chain head's lock in `trx` now, if it does not hold it yet, and returns the head. Until
   * `trx` ends no other transaction can append, and so none can commit a logged change: what `trx`
   * reads from then on is the state the log describes up to that head.
   */
  lockHead(trx: Knex.Transaction): Promise<ChainHead>;
  /**
   * The log's time in `trx`, its head's lock taken if not held yet: `at`, or the head event's time
   * when that is later (another API process's clock ahead of this one's, or this clock stepped
   * back), the time an event `trx` appends at `at` is stamped with. A set's lifetime is counted,
   * and its end read, at this time, so that no act is logged after the end of a set's lifetime.
   */
  timeAt(trx: Knex.Transaction, at: Date): Promise<Date>;
}

/** A set whose creation the log records. */
export interface LoggedSet {
  setId: string;
  /** The person it was made for was erased after it was made. */
  erasedSince: boolean;
}

/** The last event of the chain (seq 0 and the genesis hash when the log is empty). */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** A page of events, in seq order. */
export interface EventQuery {
  /** Only events after this seq (the cursor). */
  afterSeq?: number;
  /** At most this many (default 100, at most 1000). */
  limit?: number;
  types?: readonly DecisionEventType[];
  /** A job seeker's pseudonym. */
  subject?: string;
}

/** What auditors read: events, checkpoints, the head, and verification. */
export interface DecisionLogReader {
  listEvents(query?: EventQuery): Promise<DecisionEvent[]>;
  /** Every event from `fromSeq` to `toSeq` (inclusive), read page by page, as recorded. */
  streamEvents(range?: { fromSeq?: number; toSeq?: number }): AsyncIterable<RecordedDecisionEvent>;
  readHead(): Promise<ChainHead>;
  /** Checkpoints in seq order, after the cursor. */
  listCheckpoints(query?: { afterSeq?: number; limit?: number }): Promise<Checkpoint[]>;
  /**
   * Verifies events `fromSeq` (default 1) to `toSeq` (default: the head) against their hashes,
   * the signed checkpoints in the range and, when verifying to the head, the head row and any
   * checkpoint beyond it (truncation). A range not starting at 1 trusts the stored hash of the
   * event before it, unless a checkpoint covers that event.
   */
  verifyRange(fromSeq?: number, toSeq?: number): Promise<RangeVerification>;
  /** The SPKI PEM of the key that signs checkpoints. */
  exportPublicKeyPem(): string;
  /** Every key that has signed checkpoints, the one in use included, oldest first. */
  listSigningKeys(): Promise<SigningKeyRecord[]>;
}

/** A verification of the stored log, with the stretch no signed checkpoint vouches for. */
export interface RangeVerification extends ChainVerification {
  /**
   * The verified events after the last signed checkpoint that covers them: they chain correctly,
   * but someone able to write the database could rewrite or cut them off and re-hash the chain
   * unnoticed, since no signature covers them. Null when every verified event is covered, or when
   * the verification failed.
   */
  unanchored: SeqRange | null;
}
