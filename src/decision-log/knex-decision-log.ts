import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { ROLES } from '../auth/principal.ts';
import { chunksOf } from '../db/chunks-of.ts';
import { LOCK_WAIT_MS } from '../db/database.ts';
import { type Engine, engineOf } from '../db/engine.ts';
import { payloadTextSql } from '../db/payload-text-sql.ts';
import { readJson, readNullableNumber, readNullableString, readNumber } from '../db/row-values.ts';
import { selectArrayRows } from '../db/sqlite-array-rows.ts';
import { InvalidInputError } from '../shared/errors.ts';
import { createTimeOrderedId } from '../shared/time-ordered-id.ts';
import { canonicalJson } from './canonical-json.ts';
import {
  type Checkpoint,
  type CheckpointSigner,
  computeKeyId,
  type SigningKeyRecord,
  SigningKeyRetiredError,
  toSigningKeys,
} from './checkpoint-signer.ts';
import {
  type ActorRole,
  type DecisionEvent,
  type DecisionEventType,
  GENESIS_HASH,
  hashEventText,
  isDecisionEventType,
  type NewDecisionEvent,
  type RecordedDecisionEvent,
  writeHashedText,
} from './decision-event.ts';
import type {
  ChainHead,
  DecisionLog,
  DecisionLogReader,
  EventQuery,
  LoggedSet,
  RangeVerification,
} from './decision-log.ts';
import {
  fingerprintMasterKey,
  recordMasterKeyFingerprint,
  recordSigningKeyFingerprint,
} from './key-fingerprints.ts';
import type { Pseudonymiser } from './pseudonymiser.ts';
import { toCheckpoint, toCheckpointRow } from './stored-checkpoint.ts';
import { toEventRow, toRecordedEvent } from './stored-decision-event.ts';
import type { SubjectKeyring } from './subject-keyring.ts';
import {
  type ChainVerification,
  findUnanchored,
  type StoredEventHashInput,
  verifyStoredChain,
} from './verify-chain.ts';

const EVENTS = 'decision_events';
/**
 * Where `audit.queried` names a person by pseudonym: its `subject` and `actor` filters (a job seeker
 * is the subject of the events about them and the actor of their own acts: feedback, objection,
 * readings), and `setSubject`, the person a set whose trail was read (`setId`) was made for.
 */
const QUERY_FIELDS_NAMING_PEOPLE = [['filters', 'subject'], ['filters', 'actor'], ['setSubject']] as const;
/** The events that create a set: one per set, naming it as their `setId`. */
const SET_CREATION_TYPES = [
  'recommendation.generated',
  'recommendation.created_manually',
] as const satisfies readonly DecisionEventType[];
/** Set ids looked up per statement, whatever number the caller gives (see `chunksOf`). */
const LOOKUP_CHUNK = 400;
const HEAD = 'decision_log_head';
const CHECKPOINTS = 'decision_checkpoints';
const SIGNING_KEYS = 'log_signing_keys';
const HEAD_ID = 1;
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
const STREAM_PAGE = 1000;
/** Rows per page when verifying: small rows, one column of text each. */
const VERIFY_PAGE = 1000;

/** What a master-key rotation did. */
export interface MasterKeyRotation {
  /** The seq of its `log.master_key_rotated` event. */
  seq: number;
  /** The new master key's fingerprint, as recorded. */
  keyFingerprint: string;
  /** How many data keys it wrapped again (every one not destroyed). */
  rewrappedDataKeys: number;
}

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
  private readonly pseudonymiser: Pseudonymiser;
  private readonly keyring: SubjectKeyring;
  private readonly signer: CheckpointSigner;
  private readonly checkpointEvery: number;
  private readonly now: () => Date;
  /**
   * The head as each open transaction holds it locked: after its lock, then after each append.
   * Appends therefore go through the transaction object itself, never a savepoint opened in it.
   */
  private readonly lockedHeads = new WeakMap<Knex.Transaction, ChainHead>();
  /** The `occurredAt` (ms) of the head's event, as each open transaction holding the lock last read or wrote it. */
  private readonly headTimes = new WeakMap<Knex.Transaction, number>();

  constructor(
    private readonly db: Knex,
    options: KnexDecisionLogOptions,
  ) {
    if (!Number.isInteger(options.checkpointEvery) || options.checkpointEvery < 0) {
      throw new Error('checkpointEvery must be a non-negative integer');
    }
    this.pseudonymiser = options.pseudonymiser;
    this.keyring = options.keyring;
    this.signer = options.signer;
    this.checkpointEvery = options.checkpointEvery;
    this.now = options.now ?? (() => new Date());
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
    const head = await this.lockHead(trx);
    const unhashed: Omit<DecisionEvent, 'hash'> = {
      seq: head.seq + 1,
      eventId: createTimeOrderedId(),
      type: event.type,
      occurredAt: await this.stampEvent(trx, head, event.at ?? this.now()),
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
    this.lockedHeads.set(trx, { seq: recorded.seq, hash: recorded.hash });
    // A process left running through a rotation skips the checkpoints due past it: one signed with
    // the retired key would fail every later verification. The events themselves are fine, and the
    // next process with the new key signs over them. The rotations are read only when a checkpoint
    // is due, not on every append.
    if (
      this.checkpointEvery > 0 &&
      recorded.seq % this.checkpointEvery === 0 &&
      (await this.maySignAt(trx, recorded.seq))
    ) {
      await trx(CHECKPOINTS).insert(
        toCheckpointRow(this.signer.sign(recorded.seq, recorded.hash, recorded.occurredAt)),
      );
    }
    return recorded;
  }

  /**
   * The time of the next event: `at` (the clock now, or the instant of the change it records), or
   * the head's own time when that is later (the clock stepped back by NTP, or another process's clock
   * ahead of this one's). Log time never goes back, so a week of the figures already over (record
   * 0004) never gains an event later. Read under the lock.
   */
  private async stampEvent(trx: Knex.Transaction, head: ChainHead, at: Date): Promise<string> {
    let headTime = this.headTimes.get(trx);
    if (headTime === undefined && head.seq > 0) {
      const row = await trx(EVENTS).where({ seq: head.seq }).first('occurred_at');
      headTime = row === undefined ? undefined : Date.parse(String(row.occurred_at));
    }
    const stamp = at.getTime();
    const time = headTime === undefined || Number.isNaN(headTime) ? stamp : Math.max(stamp, headTime);
    this.headTimes.set(trx, time);
    return new Date(time).toISOString();
  }

  async withTransaction<T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(async (trx) => {
      // The head's lock first, on both engines: writers take their turn before they read, so what
      // a transaction checks (the settings, a set's version, a person) cannot change under it
      // before it commits, and no two writers wait on each other's rows in opposite orders.
      // SQLite's BEGIN is deferred: this write takes its lock now, waiting under busy_timeout, just
      // as BEGIN IMMEDIATE would; PostgreSQL's row lock holds the head until the commit.
      await this.lockHead(trx);
      return work(trx);
    });
  }

  async createCheckpoint(): Promise<Checkpoint | undefined> {
    return this.withTransaction((trx) => this.signHead(trx));
  }

  /** A checkpoint at the head, signed now unless one is there already; none for an empty log. */
  private async signHead(trx: Knex.Transaction): Promise<Checkpoint | undefined> {
    // Locked so that the head cannot move between reading and signing it.
    const head = await this.lockHead(trx);
    if (head.seq === 0) return undefined;
    const existing = await trx(CHECKPOINTS).where({ seq: head.seq }).first();
    if (existing !== undefined) return toCheckpoint(existing);
    if (!(await this.maySignAt(trx, head.seq))) throw new SigningKeyRetiredError();
    const checkpoint = this.signer.sign(head.seq, head.hash, this.now().toISOString());
    await trx(CHECKPOINTS).insert(toCheckpointRow(checkpoint));
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
  private async maySignAt(trx: Knex.Transaction, seq: number): Promise<boolean> {
    const retiredAtSeq = await this.findRetirementSeq(trx);
    return retiredAtSeq === undefined || seq <= retiredAtSeq;
  }

  /** The seq of the rotation that retired this process's signing key; undefined while none did. */
  private async findRetirementSeq(db: Knex | Knex.Transaction): Promise<number | undefined> {
    const rotations = await readRotations(db);
    return rotations.find((rotation) => rotation.retiredKeyId === this.signer.keyId)?.seq;
  }

  /** Records the key in use among the log's signing keys, once: every process starting with it calls this. */
  async recordSigningKey(): Promise<void> {
    await insertSigningKey(this.db, this.signer, this.now().toISOString());
  }

  /**
   * The keys the chain vouches for: the key in use, then each key a `log.signing_key_rotated`
   * event retired, bounded by that event's seq. The key in use is this process's own, unless a
   * rotation retired it (a process left running through a rotation), and the key the last rotation
   * handed over to. Public halves come from the table of signing keys, but only under an id the
   * chain names (computed from the key, which no other key matches): a row added by hand is never
   * used.
   */
  async listSigningKeys(): Promise<SigningKeyRecord[]> {
    const retired: SigningKeyRecord[] = [];
    let handedTo: string | undefined;
    for (const { seq, occurredAt, retiredKeyId, keyId } of await readRotations(this.db)) {
      handedTo = keyId;
      const publicKeyPem =
        retiredKeyId === undefined ? undefined : await this.findSigningKeyPem(retiredKeyId);
      if (retiredKeyId === undefined || publicKeyPem === undefined) continue;
      retired.push({ keyId: retiredKeyId, publicKeyPem, retiredAtSeq: seq, retiredAt: occurredAt });
    }
    const isRetired = (keyId: string) => retired.some((key) => key.keyId === keyId);
    const inUse: SigningKeyRecord[] = [];
    if (!isRetired(this.signer.keyId)) {
      inUse.push({
        keyId: this.signer.keyId,
        publicKeyPem: this.signer.exportPublicKeyPem(),
        retiredAtSeq: null,
        retiredAt: null,
      });
    }
    if (handedTo !== undefined && handedTo !== this.signer.keyId && !isRetired(handedTo)) {
      const publicKeyPem = await this.findSigningKeyPem(handedTo);
      if (publicKeyPem !== undefined)
        inUse.push({ keyId: handedTo, publicKeyPem, retiredAtSeq: null, retiredAt: null });
    }
    return [...inUse, ...retired];
  }

  /** The stored public half of the key with this id, when it is that key's. */
  private async findSigningKeyPem(keyId: string): Promise<string | undefined> {
    const row: Record<string, unknown> | undefined = await this.db(SIGNING_KEYS)
      .where({ key_id: keyId })
      .first();
    if (row === undefined) return undefined;
    const publicKeyPem = String(row.public_key_pem);
    return computeKeyId(crypto.createPublicKey(publicKeyPem)) === keyId ? publicKeyPem : undefined;
  }

  /**
   * Hands the signing of checkpoints over to `next`: appends `log.signing_key_rotated` (which
   * retires the key in use at its seq), signs a checkpoint at it with that key (which so vouches for
   * the whole log up to the rotation), and records `next` with its fingerprint, in one transaction. This
   * instance still signs with the retired key: it is for the rotation command alone, which exits.
   * `next` must be a key the log has never retired: a retired key vouches for nothing past its
   * retirement, so the log could never be signed again (every export refused, never ready).
   */
  async rotateSigningKey(next: CheckpointSigner, operatorId: string): Promise<Checkpoint> {
    if (next.keyId === this.signer.keyId) {
      throw new Error('the new signing key is the one in use; generate a new key');
    }
    return this.withTransaction(async (trx) => {
      const retirement = (await readRotations(trx)).find((rotation) => rotation.retiredKeyId === next.keyId);
      if (retirement !== undefined) {
        throw new Error(
          `the new signing key ${next.keyId} was retired by the rotation at seq ${retirement.seq} and may sign nothing past it; generate a new key`,
        );
      }
      await this.append(trx, {
        type: 'log.signing_key_rotated',
        actor: { role: 'admin', id: operatorId },
        payload: { retiredKeyId: this.signer.keyId, keyId: next.keyId },
      });
      const checkpoint = await this.signHead(trx);
      if (checkpoint === undefined) throw new Error('the rotation event was not appended');
      const now = this.now().toISOString();
      await insertSigningKey(trx, next, now);
      await recordSigningKeyFingerprint(trx, next.publicKey, now);
      return checkpoint;
    });
  }

  /**
   * Hands the wrapping of the job seekers' data keys over to `next`: wraps every stored data key
   * again under it, appends `log.master_key_rotated` and records `next`'s fingerprint, in one
   * transaction, so that a key that does not open leaves everything as it was. From then on only a
   * process with `next` starts, and the retired key opens nothing the database holds. This instance
   * still holds the retired key: it is for the rotation command alone, which exits.
   */
  async rotateMasterKey(next: Buffer, operatorId: string): Promise<MasterKeyRotation> {
    return this.withTransaction(async (trx) => {
      const rewrappedDataKeys = await this.keyring.rewrapDataKeys(trx, next);
      const keyFingerprint = fingerprintMasterKey(next);
      const event = await this.append(trx, {
        type: 'log.master_key_rotated',
        actor: { role: 'admin', id: operatorId },
        payload: {
          retiredKeyFingerprint: this.keyring.masterKeyFingerprint,
          keyFingerprint,
          rewrappedDataKeys,
        },
      });
      await recordMasterKeyFingerprint(trx, next, this.now().toISOString());
      return { seq: event.seq, keyFingerprint, rewrappedDataKeys };
    });
  }

  async findLatestEventAbout(
    subjectId: string,
    types: readonly DecisionEventType[],
    trx?: Knex.Transaction,
    range?: { beforeSeq: number },
  ): Promise<DecisionEvent | undefined> {
    const query = (trx ?? this.db)(EVENTS)
      .where({ subject: this.pseudonymiser.pseudonymise(subjectId) })
      .whereIn('type', [...types]);
    if (range !== undefined) query.where('seq', '<', range.beforeSeq);
    const row = await query.orderBy('seq', 'desc').first();
    return row === undefined ? undefined : toDecisionEvent(row);
  }

  async listEventsAbout(subjectId: string, trx?: Knex.Transaction): Promise<RecordedDecisionEvent[]> {
    const rows: Array<Record<string, unknown>> = await (trx ?? this.db)(EVENTS)
      .where({ subject: this.pseudonymiser.pseudonymise(subjectId) })
      .orderBy('seq');
    return rows.map(toRecordedEvent);
  }

  async listQueriesNaming(subjectId: string, trx?: Knex.Transaction): Promise<RecordedDecisionEvent[]> {
    const pseudonym = this.pseudonymiser.pseudonymise(subjectId);
    const engine = engineOf(this.db);
    const found = new Map<number, RecordedDecisionEvent>();
    for (const field of QUERY_FIELDS_NAMING_PEOPLE) {
      // The type written out, not bound: an engine uses the partial index of the audit queries only
      // when it can tell, before the values are known, that the query asks for no other type.
      const rows: Array<Record<string, unknown>> = await (trx ?? this.db)(EVENTS)
        .whereRaw(`type = 'audit.queried' and ${payloadTextSql(engine, field)} = ?`, [pseudonym])
        .orderBy('seq');
      for (const row of rows.map(toRecordedEvent)) found.set(row.seq, row);
    }
    return [...found.values()].sort((a, b) => a.seq - b.seq);
  }

  async listEventsOfTypes(
    types: readonly DecisionEventType[],
    trx?: Knex.Transaction,
  ): Promise<RecordedDecisionEvent[]> {
    const rows: Array<Record<string, unknown>> = await (trx ?? this.db)(EVENTS)
      .whereIn('type', [...types])
      .orderBy('seq');
    return rows.map(toRecordedEvent);
  }

  async listLoggedSets(setIds: readonly string[], trx?: Knex.Transaction): Promise<LoggedSet[]> {
    const engine = engineOf(this.db);
    const setId = payloadTextSql(engine, ['setId']);
    // On SQLite, `+type`: the events are found by set, then by person, from those indexes, their types
    // checked on the few found, rather than every creation, or every erasure since, read by type.
    const [type, erasedType] = engine === 'sqlite' ? ['+type', '+erased.type'] : ['type', 'erased.type'];
    const found: LoggedSet[] = [];
    for (const chunk of chunksOf([...new Set(setIds)], LOOKUP_CHUNK)) {
      // The set's expression, as the partial index of the events naming a set is written.
      const rows: Array<Record<string, unknown>> = await (trx ?? this.db)({ created: EVENTS })
        .select(
          this.db.raw(`${setId} as set_id`),
          this.db.raw(
            `exists (select 1 from ${EVENTS} erased where erased.subject = created.subject and ${erasedType} = 'subject.erased' and erased.seq > created.seq) as erased_since`,
          ),
        )
        .whereRaw(`${setId} in (${chunk.map(() => '?').join(', ')})`, chunk)
        .whereRaw(`${type} in (${SET_CREATION_TYPES.map(() => '?').join(', ')})`, [...SET_CREATION_TYPES]);
      for (const row of rows) {
        found.push({
          setId: String(row.set_id),
          erasedSince: row.erased_since === true || Number(row.erased_since) === 1,
        });
      }
    }
    return found;
  }

  async lockHead(trx: Knex.Transaction): Promise<ChainHead> {
    const head = this.lockedHeads.get(trx) ?? (await lockHeadRow(trx));
    this.lockedHeads.set(trx, head);
    return head;
  }

  async listEvents(query: EventQuery = {}): Promise<DecisionEvent[]> {
    const limit = Math.min(Math.max(query.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
    const builder = this.db(EVENTS)
      .where('seq', '>', query.afterSeq ?? 0)
      .orderBy('seq')
      .limit(limit);
    if (query.types !== undefined && query.types.length > 0) builder.whereIn('type', [...query.types]);
    if (query.subject !== undefined) builder.where({ subject: query.subject });
    const rows: Array<Record<string, unknown>> = await builder;
    return rows.map(toDecisionEvent);
  }

  async *streamEvents(
    range: { fromSeq?: number; toSeq?: number } = {},
  ): AsyncIterable<RecordedDecisionEvent> {
    let afterSeq = (range.fromSeq ?? 1) - 1;
    for (;;) {
      const page = this.db(EVENTS).where('seq', '>', afterSeq).orderBy('seq').limit(STREAM_PAGE);
      if (range.toSeq !== undefined) page.where('seq', '<=', range.toSeq);
      const rows: Array<Record<string, unknown>> = await page;
      for (const row of rows) {
        const event = toRecordedEvent(row);
        afterSeq = event.seq;
        yield event;
      }
      if (rows.length < STREAM_PAGE) return;
    }
  }

  async readHead(): Promise<ChainHead> {
    const row = await this.db(HEAD).where({ id: HEAD_ID }).first();
    if (row === undefined) throw new Error('the decision log head is missing');
    return { seq: readNumber(row.seq), hash: String(row.hash) };
  }

  async listCheckpoints(query: { afterSeq?: number; limit?: number } = {}): Promise<Checkpoint[]> {
    const limit = Math.min(Math.max(query.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
    const rows: Array<Record<string, unknown>> = await this.db(CHECKPOINTS)
      .where('seq', '>', query.afterSeq ?? -1)
      .orderBy('seq')
      .limit(limit);
    return rows.map(toCheckpoint);
  }

  async verifyRange(fromSeq = 1, toSeq?: number): Promise<RangeVerification> {
    if (!Number.isInteger(fromSeq) || fromSeq < 1) throw new InvalidInputError('fromSeq must be 1 or more');
    if (toSeq !== undefined && (!Number.isInteger(toSeq) || toSeq < fromSeq - 1)) {
      throw new InvalidInputError('toSeq must not be before fromSeq');
    }
    // One statement, so that the head, the last event and the last checkpoint come from one
    // snapshot: appends committed while the verification runs are then left out, not taken for
    // tampering.
    const state = await this.db(HEAD)
      .where({ id: HEAD_ID })
      .first(
        'seq',
        'hash',
        this.db(EVENTS).max('seq').as('last_event_seq'),
        this.db(CHECKPOINTS).max('seq').as('last_checkpoint_seq'),
      );
    if (state === undefined) throw new Error('the decision log head is missing');
    const head: ChainHead = { seq: readNumber(state.seq), hash: String(state.hash) };
    const lastEventSeq = readNullableNumber(state.last_event_seq) ?? 0;
    const lastCheckpointSeq = readNullableNumber(state.last_checkpoint_seq) ?? 0;
    if (fromSeq > head.seq + 1) {
      throw new InvalidInputError(`fromSeq is beyond the head of the log (${head.seq})`);
    }
    const rangeEnd = toSeq === undefined ? head.seq : Math.min(toSeq, head.seq);
    const toHead = rangeEnd === head.seq;
    // The last checkpoint this verification checks: it vouches for every event up to it.
    const coveredUpTo = toHead
      ? lastCheckpointSeq
      : (readNullableNumber(
          (await this.db(CHECKPOINTS).where('seq', '<=', rangeEnd).max('seq as seq'))[0]?.seq,
        ) ?? 0);

    let prevHash = GENESIS_HASH;
    if (fromSeq > 1) {
      const before = await this.db(EVENTS)
        .where({ seq: fromSeq - 1 })
        .first('hash');
      if (before === undefined) {
        return {
          ...brokenBeforeRange(fromSeq - 1, `event ${fromSeq - 1}, which the range starts after, is missing`),
          unanchored: null,
        };
      }
      prevHash = String(before.hash);
    }
    const result = await verifyStoredChain(this.streamHashInputs(fromSeq, rangeEnd, coveredUpTo), {
      fromSeq,
      prevHash,
      // Up to the head, a checkpoint beyond it is kept: it shows that the tail was cut off.
      checkpoints: this.streamCheckpoints(
        fromSeq - 1,
        toHead ? Math.max(head.seq, lastCheckpointSeq) : rangeEnd,
      ),
      signingKeys: toSigningKeys(await this.listSigningKeys()),
      expectedHead: toHead ? head : { seq: rangeEnd },
    });
    if (result.ok && toHead && lastEventSeq > head.seq) {
      return {
        ...result,
        ok: false,
        firstBadSeq: head.seq + 1,
        reason: `events up to seq ${lastEventSeq} are stored beyond the head of the log at seq ${head.seq}`,
        unanchored: null,
      };
    }
    return { ...result, unanchored: findUnanchored(result, fromSeq, coveredUpTo) };
  }

  exportPublicKeyPem(): string {
    return this.signer.exportPublicKeyPem();
  }

  /**
   * Events `fromSeq` to `toSeq` as verification reads them, a page at a time: the database
   * assembles the text each hash covers, so one column comes back instead of every column of
   * the event, and no text is built in JavaScript. Events after `coveredUpTo` also bring their
   * payload, to be checked for canonical form.
   */
  private async *streamHashInputs(
    fromSeq: number,
    toSeq: number,
    coveredUpTo: number,
  ): AsyncIterable<StoredEventHashInput[]> {
    let afterSeq = fromSeq - 1;
    for (;;) {
      const page = await this.readHashInputs(afterSeq, toSeq, coveredUpTo);
      const last = page.at(-1);
      if (last === undefined) return;
      afterSeq = last.seq;
      yield page;
      if (page.length < VERIFY_PAGE) return;
    }
  }

  /**
   * One page of {@link streamHashInputs}. On SQLite the rows come as arrays of values: most of the
   * read's cost is per row, and an object per row was a sixth of it.
   */
  private async readHashInputs(
    afterSeq: number,
    toSeq: number,
    coveredUpTo: number,
  ): Promise<StoredEventHashInput[]> {
    const engine = engineOf(this.db);
    const columns = `seq, prev_hash, hash, ${writeHashedTextSql(engine)} as hashed_text, case when seq > ? then payload end as uncovered_payload`;
    if (engine === 'sqlite') {
      const rows = await selectArrayRows(
        this.db,
        `select ${columns} from ${EVENTS} where seq > ? and seq <= ? order by seq limit ?`,
        [coveredUpTo, afterSeq, toSeq, VERIFY_PAGE],
      );
      return rows.map(([seq, prevHash, hash, hashedText, uncoveredPayload]) =>
        toHashInput(seq, prevHash, hash, hashedText, uncoveredPayload),
      );
    }
    const rows: Array<Record<string, unknown>> = await this.db(EVENTS)
      .select(this.db.raw(columns, [coveredUpTo]))
      .where('seq', '>', afterSeq)
      .andWhere('seq', '<=', toSeq)
      .orderBy('seq')
      .limit(VERIFY_PAGE);
    return rows.map((row) =>
      toHashInput(row.seq, row.prev_hash, row.hash, row.hashed_text, row.uncovered_payload),
    );
  }

  private async *streamCheckpoints(fromSeq: number, toSeq: number): AsyncIterable<Checkpoint> {
    let afterSeq = fromSeq - 1;
    for (;;) {
      const page = this.db(CHECKPOINTS)
        .where('seq', '>', afterSeq)
        .andWhere('seq', '<=', toSeq)
        .orderBy('seq')
        .limit(STREAM_PAGE);
      const rows: Array<Record<string, unknown>> = await page;
      for (const row of rows) {
        const checkpoint = toCheckpoint(row);
        afterSeq = checkpoint.seq;
        yield checkpoint;
      }
      if (rows.length < STREAM_PAGE) return;
    }
  }
}

/**
 * A write that changes nothing but takes the head's lock; returns the head. On PostgreSQL the
 * transaction waits at most {@link LOCK_WAIT_MS} for this lock, and for each it takes after it, as a
 * SQLite writer waits its busy timeout.
 */
async function lockHeadRow(trx: Knex.Transaction): Promise<ChainHead> {
  if (engineOf(trx) === 'postgres') await trx.raw(`set local lock_timeout = ${LOCK_WAIT_MS}`);
  const rows = await trx(HEAD)
    .where({ id: HEAD_ID })
    .update({ seq: trx.raw('??', ['seq']) })
    .returning(['seq', 'hash']);
  const head = rows[0];
  if (head === undefined) throw new Error('the decision log head is missing');
  return { seq: readNumber(head.seq), hash: String(head.hash) };
}

function brokenBeforeRange(seq: number, reason: string): ChainVerification {
  return {
    ok: false,
    checked: 0,
    checkpointsChecked: 0,
    firstBadSeq: seq,
    reason,
    lastSeq: seq - 1,
    lastHash: '',
  };
}

function isActorRole(value: unknown): value is ActorRole {
  return value === 'system' || (ROLES as readonly unknown[]).includes(value);
}

/**
 * SQL for the text an event's hash covers after its `prevHash`, as `computeEventHash` writes it:
 * the covered members in canonical order, each string column quoted by the engine's own JSON
 * quoting (which escapes exactly as JSON.stringify, and so canonicalJson, does; see
 * test/decision-log/hashed-text-sql.test.ts), null as `null`, seq as its digits, and the payload
 * column inserted as stored. Column names are constants: nothing here comes from a caller.
 * SQLite's concat() needs SQLite 3.44, which better-sqlite3 12 bundles.
 */
export function writeHashedTextSql(engine: Engine): string {
  const quote =
    engine === 'postgres'
      ? (column: string) => `coalesce(to_json(cast(${column} as text))::text, 'null')`
      : (column: string) => `json_quote(cast(${column} as text))`;
  // One concat rather than a chain of ||, each of which would copy the text built so far.
  return `concat(${[
    `'{"actor":{"pseudonym":'`,
    quote('actor_pseudonym'),
    `',"role":'`,
    quote('actor_role'),
    `'},"eventId":'`,
    quote('event_id'),
    `',"occurredAt":'`,
    quote('occurred_at'),
    `',"payload":'`,
    'payload',
    `',"personal":'`,
    quote('personal'),
    `',"prevHash":'`,
    quote('prev_hash'),
    `',"seq":'`,
    'cast(seq as text)',
    `',"subject":'`,
    quote('subject'),
    `',"type":'`,
    quote('type'),
    `'}'`,
  ].join(', ')})`;
}

function toHashInput(
  seq: unknown,
  prevHash: unknown,
  hash: unknown,
  hashedText: unknown,
  uncoveredPayload: unknown,
): StoredEventHashInput {
  const input: StoredEventHashInput = {
    seq: readNumber(seq),
    prevHash: String(prevHash),
    hash: String(hash),
    hashedText: readNullableString(hashedText),
  };
  if (uncoveredPayload !== null && uncoveredPayload !== undefined) {
    input.uncoveredPayload = String(uncoveredPayload);
  }
  return input;
}

function toDecisionEvent(row: Record<string, unknown>): DecisionEvent {
  const event = toRecordedEvent(row);
  const { type, actor, payload } = event;
  if (!isDecisionEventType(type) || !isActorRole(actor.role)) {
    throw new Error(`decision event ${event.seq} has an unknown type or actor role`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new Error(`decision event ${event.seq} has a payload that is not a JSON object`);
  }
  return {
    ...event,
    type,
    actor: { role: actor.role, pseudonym: actor.pseudonym },
    payload: payload as Record<string, unknown>,
  };
}

/** Records a signing key's public half, once. */
async function insertSigningKey(db: Knex, signer: CheckpointSigner, now: string): Promise<void> {
  await db(SIGNING_KEYS)
    .insert({ key_id: signer.keyId, public_key_pem: signer.exportPublicKeyPem(), recorded_at: now })
    .onConflict('key_id')
    .ignore();
}

/** A `log.signing_key_rotated` event as the keys are read from it. */
interface SigningKeyRotation {
  seq: number;
  occurredAt: string;
  retiredKeyId?: string;
  keyId?: string;
}

/** The signing-key rotations in the chain, oldest first (a few events, read by their type's index). */
async function readRotations(db: Knex | Knex.Transaction): Promise<SigningKeyRotation[]> {
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
