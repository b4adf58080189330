import { isCanonicalJson } from './canonical-json.ts';
import { type Checkpoint, type SigningKeys, verifyCheckpointSignature } from './checkpoint-signer.ts';
import {
  computeEventHash,
  GENESIS_HASH,
  hashEventText,
  type RecordedDecisionEvent,
} from './decision-event.ts';

/** The outcome of checking a run of events. */
export interface ChainVerification {
  ok: boolean;
  /**
   * Events whose hash and link were checked before the first failure (all of them when ok); when
   * only a checkpoint or the head disagrees, those from `firstBadSeq` on chain but are not trusted.
   */
  checked: number;
  /** Checkpoints whose hash (and signature, when a key was given) matched. */
  checkpointsChecked: number;
  /**
   * The first seq that cannot be trusted, or null when ok. For a broken link it is the event
   * that breaks it; when only a signed checkpoint or the head disagrees with a chain that is
   * consistent in itself, the chain was rewritten after the last checkpoint that agreed, and
   * this is the seq just after that checkpoint.
   */
  firstBadSeq: number | null;
  /** What failed, in words an auditor reads, naming the events; null when ok. */
  reason: string | null;
  /** The last seq checked, and its hash (see `checked`). */
  lastSeq: number;
  lastHash: string;
}

/** Verified events, by their first and last seq. */
export interface SeqRange {
  fromSeq: number;
  toSeq: number;
}

/**
 * The verified events (from `fromSeq` on) after `anchoredUpTo`, the last signed checkpoint covering
 * them (0 for none): they chain correctly, but no signature vouches for them, so whoever can write
 * the store could rewrite or cut them off unnoticed. Null when there are none, or when the
 * verification failed.
 */
export function findUnanchored(
  verification: Pick<ChainVerification, 'ok' | 'lastSeq'>,
  fromSeq: number,
  anchoredUpTo: number,
): SeqRange | null {
  const first = Math.max(anchoredUpTo + 1, fromSeq);
  return verification.ok && verification.lastSeq >= first
    ? { fromSeq: first, toSeq: verification.lastSeq }
    : null;
}

/** Why a checkpoint's signature is not one of the log's keys' own, or undefined when it is. */
function checkSignature(checkpoint: Checkpoint, keys: SigningKeys): string | undefined {
  const key = keys.get(checkpoint.keyId);
  if (key === undefined) {
    return `the checkpoint at seq ${checkpoint.seq} names a signing key this log does not know (${checkpoint.keyId})`;
  }
  if (!verifyCheckpointSignature(checkpoint, key.publicKey)) {
    return `the checkpoint at seq ${checkpoint.seq} has an invalid signature`;
  }
  // By seq, not by time: a checkpoint's time is written by whoever holds the key.
  if (key.retiredAtSeq !== null && checkpoint.seq > key.retiredAtSeq) {
    return `the checkpoint at seq ${checkpoint.seq} is signed with key ${checkpoint.keyId}, retired at seq ${key.retiredAtSeq}`;
  }
  return undefined;
}

export interface VerifyChainOptions {
  /** The seq the first event must carry (default 1). */
  fromSeq?: number;
  /** The `prevHash` the first event must carry (default: the genesis hash). */
  prevHash?: string;
  /** Signed checkpoints in ascending seq order; each must match the event at its seq. */
  checkpoints?: Iterable<Checkpoint> | AsyncIterable<Checkpoint>;
  /**
   * When given, every checkpoint must be signed by the key its `keyId` names among these, and not
   * beyond the seq at which that key was retired.
   */
  signingKeys?: SigningKeys;
  /** Where the chain must end: a shorter chain was truncated, a longer one was added to. */
  expectedHead?: { seq: number; hash?: string };
}

/**
 * Checks that events form one unbroken chain: consecutive seqs, each `prevHash` equal to the
 * previous event's hash, each hash equal to the hash of its content, agreement with every
 * checkpoint, and the expected end. Events are read one at a time (constant memory), so a
 * whole export can be streamed through it. Stops at the first failure.
 */
export async function verifyChain(
  events: Iterable<RecordedDecisionEvent> | AsyncIterable<RecordedDecisionEvent>,
  options: VerifyChainOptions = {},
): Promise<ChainVerification> {
  return verifyLinks(onePerPage(events), RECORDED_EVENTS, options);
}

/**
 * An event as a store reads it for verification: its place in the chain and the exact text its
 * hash covers, assembled by the store from the stored columns without parsing the payload.
 */
export interface StoredEventHashInput {
  seq: number;
  prevHash: string;
  hash: string;
  /**
   * What the hash covers after `prevHash`: the members `computeEventHash` covers, in canonical
   * order and escaping, with the payload column inserted as it is stored (canonical JSON when
   * untouched). Null when the store could not assemble it.
   */
  hashedText: string | null;
  /**
   * The stored payload text, given for an event that no signed checkpoint covers: it must then
   * be canonical JSON itself (see {@link verifyStoredChain}).
   */
  uncoveredPayload?: string;
}

/**
 * As {@link verifyChain}, for events a store reads a page at a time, each with the text its hash
 * covers. Hashing the stored payload text as it is, rather than a parsed and re-serialised copy,
 * fails on any changed byte, re-formatting included; and the log only ever hashes canonical
 * payloads, so a signed checkpoint vouches for every event up to it. After the last checkpoint,
 * whoever can write to the table could re-hash an event around a payload that is not canonical
 * JSON, which parsing and re-serialising would have caught: there the store also gives the
 * payload, and it must be canonical.
 */
export async function verifyStoredChain(
  pages: AsyncIterable<readonly StoredEventHashInput[]>,
  options: VerifyChainOptions = {},
): Promise<ChainVerification> {
  return verifyLinks(pages, STORED_EVENTS, options);
}

/** What the chain check reads from one item: where it sits in the chain and the hash of its content. */
interface ChainReader<T> {
  seqOf(item: T): number;
  prevHashOf(item: T): string;
  hashOf(item: T): string;
  /** The hash the item's content gives; throws when it has none. */
  computeHash(item: T): string;
}

const RECORDED_EVENTS: ChainReader<RecordedDecisionEvent> = {
  seqOf: (event) => event.seq,
  prevHashOf: (event) => event.prevHash,
  hashOf: (event) => event.hash,
  computeHash: (event) => computeEventHash(event),
};

const STORED_EVENTS: ChainReader<StoredEventHashInput> = {
  seqOf: (event) => event.seq,
  prevHashOf: (event) => event.prevHash,
  hashOf: (event) => event.hash,
  computeHash: (event) => {
    if (event.hashedText === null) throw new Error('its hashed text could not be assembled');
    const payload = event.uncoveredPayload;
    if (payload !== undefined && !isCanonicalJson(payload)) {
      throw new Error('its payload is not canonical JSON, and no signed checkpoint covers it');
    }
    return hashEventText(event.prevHash, event.hashedText);
  },
};

/**
 * The chain check itself, over pages of items: a page is checked without awaiting anything but
 * the next checkpoint, so a large log costs one await per page rather than one per event.
 */
async function verifyLinks<T>(
  pages: Iterable<readonly T[]> | AsyncIterable<readonly T[]>,
  reader: ChainReader<T>,
  options: VerifyChainOptions,
): Promise<ChainVerification> {
  const fromSeq = options.fromSeq ?? 1;
  const nextCheckpoint = pullFrom(options.checkpoints ?? []);
  let expectedSeq = fromSeq;
  let prevHash = options.prevHash ?? GENESIS_HASH;
  // The hash before `prevHash`, to recognise an event slipped in between two others.
  let hashBeforePrev: string | undefined;
  let checked = 0;
  let checkpointsChecked = 0;
  // Seqs up to here agree with a signed checkpoint (or are the trusted starting point).
  let trustedUpTo = fromSeq - 1;

  const fail = (firstBadSeq: number, reason: string): ChainVerification => ({
    ok: false,
    checked,
    checkpointsChecked,
    firstBadSeq,
    reason,
    lastSeq: expectedSeq - 1,
    lastHash: prevHash,
  });
  /** Checks a checkpoint against the hash of the event at its seq; a reason when it disagrees. */
  const checkCheckpoint = (checkpoint: Checkpoint, hash: string): string | undefined => {
    if (options.signingKeys !== undefined) {
      const reason = checkSignature(checkpoint, options.signingKeys);
      if (reason !== undefined) return reason;
    }
    if (checkpoint.hash !== hash) {
      return `event ${checkpoint.seq} has hash ${hash}, but the checkpoint signed at ${checkpoint.signedAt} says ${checkpoint.hash}`;
    }
    checkpointsChecked += 1;
    return undefined;
  };

  let checkpoint = await nextCheckpoint();
  // Checkpoints before the range are not about it, except one at the starting point itself.
  while (checkpoint !== undefined && checkpoint.seq < fromSeq) {
    if (checkpoint.seq === fromSeq - 1) {
      const reason = checkCheckpoint(checkpoint, prevHash);
      if (reason !== undefined) return fail(fromSeq, reason);
    }
    checkpoint = await nextCheckpoint();
  }

  for await (const page of pages) {
    for (const item of page) {
      const seq = reader.seqOf(item);
      const broken = findBrokenLink(item, reader, expectedSeq, prevHash, hashBeforePrev);
      if (broken !== undefined) return fail(broken.seq, broken.reason);
      if (options.expectedHead !== undefined && seq > options.expectedHead.seq) {
        return fail(seq, `event ${seq} lies beyond the head of the log at seq ${options.expectedHead.seq}`);
      }
      const hash = reader.hashOf(item);
      checked += 1;
      expectedSeq += 1;
      hashBeforePrev = prevHash;
      prevHash = hash;
      while (checkpoint !== undefined && checkpoint.seq <= seq) {
        if (checkpoint.seq < seq) return fail(checkpoint.seq, 'the checkpoints are not in seq order');
        const reason = checkCheckpoint(checkpoint, hash);
        if (reason !== undefined) {
          return fail(trustedUpTo + 1, `${reason}; ${describeUntrusted(trustedUpTo, fromSeq, seq)}`);
        }
        trustedUpTo = checkpoint.seq;
        checkpoint = await nextCheckpoint();
      }
    }
  }

  const lastSeq = expectedSeq - 1;
  if (checkpoint !== undefined) {
    return fail(
      lastSeq + 1,
      `the log ends at seq ${lastSeq}, but a checkpoint was signed at seq ${checkpoint.seq}`,
    );
  }
  const head = options.expectedHead;
  if (head !== undefined) {
    if (lastSeq < head.seq) {
      return fail(lastSeq + 1, `the log ends at seq ${lastSeq}, but its head is at seq ${head.seq}`);
    }
    if (head.hash !== undefined && prevHash !== head.hash) {
      return fail(
        trustedUpTo + 1,
        `event ${lastSeq} has hash ${prevHash}, but the head says ${head.hash}; ` +
          describeUntrusted(trustedUpTo, fromSeq, lastSeq),
      );
    }
  }
  return {
    ok: true,
    checked,
    checkpointsChecked,
    firstBadSeq: null,
    reason: null,
    lastSeq,
    lastHash: prevHash,
  };
}

function findBrokenLink<T>(
  item: T,
  reader: ChainReader<T>,
  expectedSeq: number,
  prevHash: string,
  hashBeforePrev: string | undefined,
): { seq: number; reason: string } | undefined {
  const seq = reader.seqOf(item);
  if (seq !== expectedSeq) {
    // A repeated seq means one of the two events that claim it is not genuine.
    const firstBad = seq === expectedSeq - 1 ? seq : expectedSeq;
    return { seq: firstBad, reason: describeMisplacedSeq(seq, expectedSeq) };
  }
  const itemPrevHash = reader.prevHashOf(item);
  if (itemPrevHash !== prevHash && itemPrevHash === hashBeforePrev) {
    return {
      seq: expectedSeq - 1,
      reason:
        `event ${expectedSeq} points to event ${expectedSeq - 2}, not to event ${expectedSeq - 1}: ` +
        `event ${expectedSeq - 1} was slipped in, or event ${expectedSeq} was chained past it`,
    };
  }
  let hash: string;
  try {
    hash = reader.computeHash(item);
  } catch (error) {
    return { seq: expectedSeq, reason: `event ${expectedSeq} cannot be hashed: ${(error as Error).message}` };
  }
  const matchesItsHash = hash === reader.hashOf(item);
  if (itemPrevHash !== prevHash) {
    return {
      seq: expectedSeq,
      // An event whose content still matches its hash is as it was written: the event before it
      // was rewritten with its hash recomputed (the chain cannot tell which end changed), or this
      // one with another link. One that matches neither was changed itself, or carries a seq it
      // was not written with: an event deleted, inserted or moved before it, the rest renumbered.
      reason: matchesItsHash
        ? `event ${expectedSeq} does not point to the hash of the event before it: ` +
          `event ${expectedSeq - 1} was rewritten and its hash recomputed, or event ${expectedSeq}'s link was changed`
        : `event ${expectedSeq} matches neither its hash nor the event before it: it was changed, ` +
          `or it was written at another seq (an event deleted, inserted or moved before it, the rest renumbered)`,
    };
  }
  if (!matchesItsHash) {
    return {
      seq: expectedSeq,
      reason:
        `event ${expectedSeq} does not match its hash: it was changed after it was written ` +
        '(its type, time, actor, subject, payload or sealed personal part)',
    };
  }
  return undefined;
}

/**
 * Which events a signed checkpoint or the head that disagrees leaves without proof: they chain
 * correctly, so they were rewritten with their hashes recomputed, or the proof itself was altered.
 */
function describeUntrusted(trustedUpTo: number, fromSeq: number, toSeq: number): string {
  const events = trustedUpTo + 1 === toSeq ? `event ${toSeq}` : `events ${trustedUpTo + 1} to ${toSeq}`;
  const after =
    trustedUpTo >= fromSeq
      ? `after the last signed checkpoint that agrees (seq ${trustedUpTo})`
      : 'with no signed checkpoint agreeing before them';
  return (
    `${events}, ${after}, chain correctly but cannot be trusted: ` +
    'they were rewritten with their hashes recomputed, or the checkpoint or head was altered'
  );
}

/**
 * Why an event's seq is not the one expected, in the auditor's words: a gap reads as events
 * missing there (deleted, or moved further on: a stream cannot tell which before reading on), a
 * seq met before as an event repeated or out of its place.
 */
function describeMisplacedSeq(seq: number, expectedSeq: number): string {
  if (!Number.isSafeInteger(seq))
    return `event ${expectedSeq} is missing: in its place is an event whose seq is ${String(seq)}`;
  if (seq > expectedSeq) {
    const missing = seq - expectedSeq === 1 ? `event ${expectedSeq}` : `events ${expectedSeq} to ${seq - 1}`;
    return (
      `event ${expectedSeq} is missing: event ${seq} comes in its place, so ${missing} ` +
      `${seq - expectedSeq === 1 ? 'was' : 'were'} deleted, or moved elsewhere in the log`
    );
  }
  if (seq === expectedSeq - 1) {
    return `event ${seq} appears twice: two events carry its seq, so at most one of them is genuine`;
  }
  return `event ${seq} comes again after event ${expectedSeq - 1}: it was moved out of its place, or repeated`;
}

/**
 * An array as one page; the items of any other iterable each as a page of its own, so that
 * nothing is read ahead of the check (a reader may note where the reading stopped).
 */
async function* onePerPage<T>(items: Iterable<T> | AsyncIterable<T>): AsyncIterable<readonly T[]> {
  if (Array.isArray(items)) {
    yield items;
    return;
  }
  for await (const item of items) yield [item];
}

/** A function giving the next item of a sync or async iterable, then undefined. */
function pullFrom<T>(items: Iterable<T> | AsyncIterable<T>): () => Promise<T | undefined> {
  const iterator: Iterator<T> | AsyncIterator<T> =
    Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
  return async () => {
    const next = await iterator.next();
    return next.done === true ? undefined : next.value;
  };
}
