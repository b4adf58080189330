/**
 * How a range of the stored log is verified: the head, the last event and the last checkpoint read
 * in one snapshot, the text each hash covers assembled by the database a page at a time
 * (`hashed-text-sql.ts`), then checked against the signed checkpoints by `verifyStoredChain`.
 */
import type { Knex } from 'knex';
import { engineOf } from '../db/engine.ts';
import { readNullableNumber, readNullableString, readNumber } from '../db/row-values.ts';
import { selectArrayRows } from '../db/sqlite-array-rows.ts';
import { InvalidInputError } from '../shared/errors.ts';
import { type CheckpointSigner, toSigningKeys } from './checkpoint-signer.ts';
import { GENESIS_HASH } from './decision-event.ts';
import type { ChainHead, RangeVerification } from './decision-log.ts';
import { CHECKPOINTS, EVENTS, HEAD, HEAD_ID } from './decision-log-tables.ts';
import { writeHashedTextSql } from './hashed-text-sql.ts';
import { streamCheckpoints } from './log-reads.ts';
import { listSigningKeys } from './signing-keys.ts';
import {
  type ChainVerification,
  findUnanchored,
  type StoredEventHashInput,
  verifyStoredChain,
} from './verify-chain.ts';

/** Rows per page when verifying: small rows, one column of text each. */
const VERIFY_PAGE = 1000;

/**
 * See {@link DecisionLogReader.verifyRange}. The checkpoints are checked with the keys the chain
 * vouches for, `signer`'s among them while it is in use.
 */
export async function verifyStoredRange(
  db: Knex,
  signer: CheckpointSigner,
  fromSeq: number,
  toSeq: number | undefined,
): Promise<RangeVerification> {
  if (!Number.isInteger(fromSeq) || fromSeq < 1) throw new InvalidInputError('fromSeq must be 1 or more');
  if (toSeq !== undefined && (!Number.isInteger(toSeq) || toSeq < fromSeq - 1)) {
    throw new InvalidInputError('toSeq must not be before fromSeq');
  }
  // One statement, so that the head, the last event and the last checkpoint come from one
  // snapshot: appends committed while the verification runs are then left out, not taken for
  // tampering.
  const state = await db(HEAD)
    .where({ id: HEAD_ID })
    .first(
      'seq',
      'hash',
      db(EVENTS).max('seq').as('last_event_seq'),
      db(CHECKPOINTS).max('seq').as('last_checkpoint_seq'),
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
    : (readNullableNumber((await db(CHECKPOINTS).where('seq', '<=', rangeEnd).max('seq as seq'))[0]?.seq) ??
      0);

  let prevHash = GENESIS_HASH;
  if (fromSeq > 1) {
    const before = await db(EVENTS)
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
  const result = await verifyStoredChain(streamHashInputs(db, fromSeq, rangeEnd, coveredUpTo), {
    fromSeq,
    prevHash,
    // Up to the head, a checkpoint beyond it is kept: it shows that the tail was cut off.
    checkpoints: streamCheckpoints(
      db,
      fromSeq - 1,
      toHead ? Math.max(head.seq, lastCheckpointSeq) : rangeEnd,
    ),
    signingKeys: toSigningKeys(await listSigningKeys(db, signer)),
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

/**
 * Events `fromSeq` to `toSeq` as verification reads them, a page at a time: the database
 * assembles the text each hash covers, so one column comes back instead of every column of
 * the event, and no text is built in JavaScript. Events after `coveredUpTo` also bring their
 * payload, to be checked for canonical form.
 */
async function* streamHashInputs(
  db: Knex,
  fromSeq: number,
  toSeq: number,
  coveredUpTo: number,
): AsyncIterable<StoredEventHashInput[]> {
  let afterSeq = fromSeq - 1;
  for (;;) {
    const page = await readHashInputs(db, afterSeq, toSeq, coveredUpTo);
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
async function readHashInputs(
  db: Knex,
  afterSeq: number,
  toSeq: number,
  coveredUpTo: number,
): Promise<StoredEventHashInput[]> {
  const engine = engineOf(db);
  const columns = `seq, prev_hash, hash, ${writeHashedTextSql(engine)} as hashed_text, case when seq > ? then payload end as uncovered_payload`;
  if (engine === 'sqlite') {
    const rows = await selectArrayRows(
      db,
      `select ${columns} from ${EVENTS} where seq > ? and seq <= ? order by seq limit ?`,
      [coveredUpTo, afterSeq, toSeq, VERIFY_PAGE],
    );
    return rows.map(([seq, prevHash, hash, hashedText, uncoveredPayload]) =>
      toHashInput(seq, prevHash, hash, hashedText, uncoveredPayload),
    );
  }
  const rows: Array<Record<string, unknown>> = await db(EVENTS)
    .select(db.raw(columns, [coveredUpTo]))
    .where('seq', '>', afterSeq)
    .andWhere('seq', '<=', toSeq)
    .orderBy('seq')
    .limit(VERIFY_PAGE);
  return rows.map((row) =>
    toHashInput(row.seq, row.prev_hash, row.hash, row.hashed_text, row.uncovered_payload),
  );
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
