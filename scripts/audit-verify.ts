import fs from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { readNdjsonLines } from '../src/courses/read-ndjson-lines.ts';
import type { Checkpoint, SigningKeys } from '../src/decision-log/checkpoint-signer.ts';
import type { RecordedDecisionEvent } from '../src/decision-log/decision-event.ts';
import { readSigningKeysPem } from '../src/decision-log/signing-keys-pem.ts';
import {
  type ChainVerification,
  findUnanchored,
  type SeqRange,
  verifyChain,
} from '../src/decision-log/verify-chain.ts';

/** Exit codes: the export holds (0), it does not (1), it could not be checked at all (2). */
const INTACT = 0;
const NOT_INTACT = 1;
const CANNOT_CHECK = 2;
/** An export file has no size limit: it is streamed line by line. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

interface VerifyOptions {
  publicKey: string;
  checkpoints?: string;
  range?: boolean;
  /** Where the export must start, end, and how many events it must hold (the export's headers). */
  fromSeq?: number;
  toSeq?: number;
  eventCount?: number;
  json?: boolean;
}

/** A line of the export that could not be read as an event; the chain breaks there. */
interface LineProblem {
  line: number;
  reason: string;
}

/** The outcome printed, as text or (with --json) as one JSON object. */
interface Verdict extends ChainVerification {
  file: string;
  /** The first and last seq read from the export (null when it holds no event). */
  firstSeq: number | null;
  /** Checkpoints given, and how many fell inside the export. */
  checkpointsGiven: number;
  /** The signing keys read, the key in use first. */
  keyIds: string[];
  /** Events after the last checkpoint that matched: chained, but no signature covers them. */
  unanchored: SeqRange | null;
  warnings: string[];
}

class CannotCheckError extends Error {}

const program = new Command()
  .name('npm run audit:verify --')
  .showHelpAfterError('(npm run audit:verify -- --help for usage)')
  .description(
    'Checks an export of the decision log offline (one event per line, as GET /v1/audit/events/export?format=ndjson ' +
      'writes it): every event must carry its own hash and point to the hash of the event before it, and every ' +
      'checkpoint must be signed by the public key and match the event at its seq. Exit code 0 when the export ' +
      'holds, 1 when it does not (the first bad seq is printed), 2 when it could not be checked.',
  )
  .argument('<export>', 'the NDJSON export')
  .requiredOption(
    '--public-key <pem-file>',
    "the log's Ed25519 signing keys (SPKI PEM, as GET /v1/audit/public-key gives them with Accept: text/plain): " +
      'the key in use, and any retired by a rotation, each after a "Retired-At-Seq:" line',
  )
  .option(
    '--checkpoints <file>',
    'signed checkpoints: the JSON of GET /v1/audit/checkpoints, a JSON array, or one checkpoint per line',
  )
  .option(
    '--range',
    'the export covers part of the log (a week, say): it may start after seq 1, its link to earlier events ' +
      'is trusted unless a checkpoint sits just before it, and checkpoints before it are ignored; a checkpoint ' +
      'after its last event means it was cut off, unless --to-seq (or --from-seq with --event-count) says it ends before',
  )
  .option(
    '--from-seq <seq>',
    'the seq the export must start at (its X-Audit-From-Seq header): events cut off at its start show',
    readCount,
  )
  .option(
    '--to-seq <seq>',
    'the seq the export must end at (its X-Audit-To-Seq header, for an export without `to`): events cut off at ' +
      'its end show, and checkpoints after it are ignored',
    readCount,
  )
  .option(
    '--event-count <count>',
    'how many events the export must hold (its X-Audit-Event-Count header); with --from-seq it also says where ' +
      'the export ends',
    readCount,
  )
  .option('--json', 'print the verdict as one JSON object')
  .addHelpText(
    'after',
    '\nExample: npm run audit:verify -- export.ndjson --public-key decision-log.pub.pem --checkpoints checkpoints.json' +
      '\n         npm run audit:verify -- week.ndjson --public-key decision-log.pem --checkpoints checkpoints.ndjson ' +
      '--range --from-seq "$FROM_SEQ" --to-seq "$TO_SEQ" --event-count "$EVENT_COUNT"',
  )
  .exitOverride();

async function verifyFromCommandLine(): Promise<number> {
  try {
    program.parse();
  } catch (error) {
    // Commander has printed the message (or the help, which exits with 0).
    return (error as { exitCode?: number }).exitCode === 0 ? INTACT : CANNOT_CHECK;
  }
  const [file = ''] = program.args;
  const options = program.opts<VerifyOptions>();
  try {
    const verdict = await verifyExport(file, options);
    process.stdout.write(options.json === true ? `${JSON.stringify(verdict)}\n` : describe(verdict));
    return verdict.ok ? INTACT : NOT_INTACT;
  } catch (error) {
    if (!(error instanceof CannotCheckError)) throw error;
    process.stderr.write(`audit:verify: cannot check the export: ${error.message}\n`);
    return CANNOT_CHECK;
  }
}

async function verifyExport(file: string, options: VerifyOptions): Promise<Verdict> {
  if (!fs.existsSync(file)) throw new CannotCheckError(`${file} does not exist`);
  const signingKeys = readSigningKeys(options.publicKey);
  let checkpoints = options.checkpoints === undefined ? [] : readCheckpoints(options.checkpoints);
  const checkpointsGiven = checkpoints.length;
  const warnings: string[] = [];
  const expectedEnd = findExpectedEnd(options);
  // Signed after the export was made: not about it.
  if (expectedEnd !== undefined) checkpoints = checkpoints.filter((c) => c.seq <= expectedEnd);
  // An export that was to hold no event (a period when nothing was logged) lies nowhere in the chain:
  // no checkpoint is about it.
  const holdsNone = options.eventCount === 0 && (await findFirstEvent(file)) === undefined;
  if (holdsNone) checkpoints = [];

  let fromSeq = 1;
  let prevHash: string | undefined;
  if (options.range === true) {
    // A first pass finds where the file starts, so that checkpoints before it are not taken for a break.
    const first = await findFirstEvent(file);
    if (first !== undefined) {
      fromSeq = first.seq;
      prevHash = first.prevHash;
      checkpoints = checkpoints.filter((c) => c.seq >= fromSeq - 1);
      if (fromSeq > 1 && !checkpoints.some((c) => c.seq === fromSeq - 1)) {
        warnings.push(
          `no checkpoint at seq ${fromSeq - 1}: the link of event ${fromSeq} to the events before the range is taken on trust`,
        );
      }
    }
    if (options.fromSeq === undefined) {
      warnings.push(
        'no --from-seq given: events cut off at the start of the export cannot be detected without it ' +
          "(the export's X-Audit-From-Seq header)",
      );
    }
    if (expectedEnd === undefined) {
      warnings.push(
        'no --to-seq given: events cut off at the end of the export are detected only by a checkpoint given ' +
          "after its last event (the export's X-Audit-To-Seq header; for an export with `to`, --from-seq with --event-count)",
      );
    }
  }
  if (options.checkpoints === undefined) {
    warnings.push(
      'no checkpoints given: a log rewritten from start to end, or cut short at the end, cannot be detected ' +
        'without them (GET /v1/audit/checkpoints)',
    );
  }

  const reading: { problem?: LineProblem; lastSeq: number; firstSeq: number | null } = {
    lastSeq: fromSeq - 1,
    firstSeq: null,
  };
  const result = await verifyChain(readEvents(file, reading), {
    fromSeq,
    ...(prevHash === undefined ? {} : { prevHash }),
    checkpoints,
    signingKeys,
  });

  let outcome: ChainVerification = result;
  if (reading.problem !== undefined) {
    // The reading stopped at an unreadable line: the chain breaks at the seq that should be there.
    outcome = {
      ...result,
      ok: false,
      firstBadSeq: reading.lastSeq + 1,
      reason: `line ${reading.problem.line} ${reading.problem.reason}`,
    };
  } else if (result.ok && result.checked === 0 && holdsNone) {
    warnings.push('the export holds no event, as --event-count says: there is no hash to check');
  } else if (result.ok && result.checked === 0) {
    outcome = { ...result, ok: false, firstBadSeq: fromSeq, reason: 'the export holds no event' };
  } else if (result.ok) {
    outcome = checkBounds(result, reading.firstSeq ?? fromSeq, options);
  } else if (!result.ok && result.firstBadSeq === 1 && reading.firstSeq !== null && reading.firstSeq > 1) {
    warnings.push(
      `the export starts at seq ${reading.firstSeq}: add --range if it covers part of the log only`,
    );
  }

  const lastAnchor = checkpoints.filter((c) => c.seq <= outcome.lastSeq).at(-1)?.seq ?? 0;
  const unanchored = findUnanchored(outcome, fromSeq, lastAnchor);
  if (unanchored !== null && options.checkpoints !== undefined) {
    warnings.push(
      `events ${unanchored.fromSeq} to ${unanchored.toSeq} come after the last signed checkpoint: they chain ` +
        'correctly, but no signature covers them, so cutting them off would go unnoticed; sign a checkpoint ' +
        'before exporting to cover them',
    );
  }
  return {
    file,
    ...outcome,
    firstSeq: reading.firstSeq,
    checkpointsGiven,
    keyIds: [...signingKeys.keys()],
    unanchored,
    warnings,
  };
}

/**
 * The events of the export, one line at a time. The first line that is not an event ends the
 * reading and is recorded in `reading.problem`.
 */
/** The seq the export must end at, when the options say it. */
function findExpectedEnd(options: VerifyOptions): number | undefined {
  if (options.toSeq !== undefined) return options.toSeq;
  if (options.fromSeq !== undefined && options.eventCount !== undefined) {
    return options.fromSeq + options.eventCount - 1;
  }
  return undefined;
}

/**
 * The verification of a chain that holds, failed when it does not start, end or count where the
 * export's headers say: a run of events cut off at either end of a file still chains correctly.
 */
function checkBounds(result: ChainVerification, firstSeq: number, options: VerifyOptions): ChainVerification {
  const fail = (firstBadSeq: number, reason: string): ChainVerification => ({
    ...result,
    ok: false,
    firstBadSeq,
    reason,
  });
  const { fromSeq, eventCount } = options;
  if (fromSeq !== undefined && firstSeq !== fromSeq) {
    return firstSeq > fromSeq
      ? fail(
          fromSeq,
          `the export starts at seq ${firstSeq}, but was to start at seq ${fromSeq} (--from-seq): ` +
            `${describeCutOff(fromSeq, firstSeq - 1)} at its start`,
        )
      : fail(firstSeq, `the export starts at seq ${firstSeq}, before seq ${fromSeq} (--from-seq)`);
  }
  const end = findExpectedEnd(options);
  if (end !== undefined && result.lastSeq !== end) {
    return result.lastSeq < end
      ? fail(
          result.lastSeq + 1,
          `the export ends at seq ${result.lastSeq}, but was to end at seq ${end}: ` +
            `${describeCutOff(result.lastSeq + 1, end)} at its end`,
        )
      : fail(end + 1, `the export goes on after seq ${end}, where it was to end, to seq ${result.lastSeq}`);
  }
  if (eventCount !== undefined && result.checked !== eventCount) {
    return fail(
      firstSeq + Math.min(result.checked, eventCount),
      `the export holds ${result.checked} events, but was to hold ${eventCount} (--event-count)`,
    );
  }
  return result;
}

/** The events from `fromSeq` to `toSeq` said to be cut off: one event is named as one. */
function describeCutOff(fromSeq: number, toSeq: number): string {
  return fromSeq === toSeq ? `event ${fromSeq} was cut off` : `events ${fromSeq} to ${toSeq} were cut off`;
}

/** A command-line count or seq: a whole number, 0 or more. */
function readCount(value: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(count)) {
    throw new InvalidArgumentError('a whole number (0 or more) is needed');
  }
  return count;
}

async function* readEvents(
  file: string,
  reading: { problem?: LineProblem; lastSeq: number; firstSeq: number | null },
): AsyncGenerator<RecordedDecisionEvent> {
  for await (const entry of readNdjsonLines(fs.createReadStream(file), NO_LIMIT)) {
    if ('problems' in entry) {
      reading.problem = { line: entry.line, reason: entry.problems.map((p) => p.reason).join('; ') };
      return;
    }
    const shapeProblem = findShapeProblem(entry.value);
    if (shapeProblem !== undefined) {
      reading.problem = { line: entry.line, reason: shapeProblem };
      return;
    }
    const event = entry.value as RecordedDecisionEvent;
    reading.firstSeq ??= event.seq;
    reading.lastSeq = event.seq;
    yield event;
  }
}

/** The first event of the file (where a range starts), undefined when it holds none. */
async function findFirstEvent(file: string): Promise<{ seq: number; prevHash: string } | undefined> {
  for await (const entry of readNdjsonLines(fs.createReadStream(file), NO_LIMIT)) {
    if ('problems' in entry || findShapeProblem(entry.value) !== undefined) return undefined;
    const event = entry.value as RecordedDecisionEvent;
    return { seq: event.seq, prevHash: event.prevHash };
  }
  return undefined;
}

/** Why a parsed line is not a recorded decision event; undefined when it is one. */
function findShapeProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'is not a JSON object';
  if (!Number.isSafeInteger(value.seq)) return 'has no integer seq';
  for (const field of ['eventId', 'type', 'occurredAt', 'prevHash', 'hash'] as const) {
    if (typeof value[field] !== 'string') return `(seq ${String(value.seq)}) has no ${field} string`;
  }
  const actor = value.actor;
  if (!isObject(actor) || typeof actor.role !== 'string' || typeof actor.pseudonym !== 'string') {
    return `(seq ${String(value.seq)}) has no actor with a role and a pseudonym`;
  }
  if (value.subject !== null && typeof value.subject !== 'string') {
    return `(seq ${String(value.seq)}) has a subject that is neither a string nor null`;
  }
  if (value.personal !== null && typeof value.personal !== 'string') {
    return `(seq ${String(value.seq)}) has a personal part that is neither a string nor null`;
  }
  if (!('payload' in value)) return `(seq ${String(value.seq)}) has no payload`;
  return undefined;
}

function readSigningKeys(file: string): SigningKeys {
  let keys: SigningKeys;
  try {
    keys = readSigningKeysPem(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CannotCheckError(`${file} is not a readable public key (${(error as Error).message})`);
  }
  for (const { publicKey } of keys.values()) {
    if (publicKey.asymmetricKeyType !== 'ed25519') {
      throw new CannotCheckError(
        `${file} holds a ${String(publicKey.asymmetricKeyType)} key; checkpoints are signed with Ed25519`,
      );
    }
  }
  return keys;
}

/**
 * Checkpoints from a JSON array, an API page (`{ items }` or `{ checkpoints }`) or NDJSON, in seq
 * order. NDJSON of one line is one JSON object: without `items` or `checkpoints`, it is that one
 * checkpoint.
 */
function readCheckpoints(file: string): Checkpoint[] {
  if (!fs.existsSync(file)) throw new CannotCheckError(`${file} does not exist`);
  const text = fs.readFileSync(file, 'utf8');
  let values: unknown[];
  try {
    const parsed: unknown = JSON.parse(text);
    const isPage = isObject(parsed) && ('items' in parsed || 'checkpoints' in parsed);
    const list = isPage ? (parsed.items ?? parsed.checkpoints) : isObject(parsed) ? [parsed] : parsed;
    if (!Array.isArray(list)) {
      throw new CannotCheckError(`${file} holds neither a list of checkpoints nor an object with "items"`);
    }
    values = list;
  } catch (error) {
    if (error instanceof CannotCheckError) throw error;
    values = text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line, index) => {
        try {
          return JSON.parse(line) as unknown;
        } catch {
          throw new CannotCheckError(`${file}: line ${index + 1} is not JSON`);
        }
      });
  }
  const checkpoints = values.map((value, index) => {
    if (
      !isObject(value) ||
      !Number.isSafeInteger(value.seq) ||
      typeof value.hash !== 'string' ||
      typeof value.signedAt !== 'string' ||
      typeof value.keyId !== 'string' ||
      typeof value.signature !== 'string'
    ) {
      throw new CannotCheckError(
        `${file}: checkpoint ${index + 1} needs seq, hash, signedAt, keyId and signature`,
      );
    }
    return {
      seq: value.seq as number,
      hash: value.hash,
      signedAt: value.signedAt,
      keyId: value.keyId,
      signature: value.signature,
    };
  });
  return checkpoints.sort((a, b) => a.seq - b.seq);
}

function describe(verdict: Verdict): string {
  const lines = [`Decision-log export ${verdict.file}`];
  const range =
    verdict.checked === 0 ? '' : ` (seq ${verdict.lastSeq - verdict.checked + 1} to ${verdict.lastSeq})`;
  lines.push(`  events checked:      ${verdict.checked}${range}`);
  lines.push(
    `  checkpoints matched: ${verdict.checkpointsChecked} of ${verdict.checkpointsGiven} given (${verdict.keyIds.length === 1 ? 'key' : 'keys'} ${verdict.keyIds.join(', ')})`,
  );
  if (verdict.ok) {
    lines.push(
      `  verdict:             INTACT: every event matches its hash and the one before it${
        verdict.checkpointsChecked > 0 ? ', and every signed checkpoint agrees' : ''
      }`,
    );
    lines.push(`  last hash:           ${verdict.lastHash}`);
  } else {
    lines.push(`  verdict:             NOT INTACT: first bad seq ${String(verdict.firstBadSeq)}`);
    lines.push(`  reason:              ${String(verdict.reason)}`);
  }
  for (const warning of verdict.warnings) lines.push(`  warning: ${warning}`);
  return `${lines.join('\n')}\n`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

process.exitCode = await verifyFromCommandLine();
