import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { Command } from 'commander';
import type { Knex } from 'knex';
import type { StoredEvent } from '../src/audit/audit-event-store.ts';
import { AuditService } from '../src/audit/audit-service.ts';
import { formatNdjsonLine } from '../src/audit/event-export-format.ts';
import { KnexAuditEventStore } from '../src/audit/knex-audit-event-store.ts';
import { KnexFigureWeekStore } from '../src/audit/knex-figure-week-store.ts';
import { writeStreamed } from '../src/audit/write-streamed.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrations.ts';
import { canonicalJson } from '../src/decision-log/canonical-json.ts';
import { CheckpointSigner } from '../src/decision-log/checkpoint-signer.ts';
import { createDecisionLog, type DecisionLogParts } from '../src/decision-log/create-decision-log.ts';
import {
  GENESIS_HASH,
  hashEventText,
  type NewDecisionEvent,
  type RecordedDecisionEvent,
  writeHashedText,
} from '../src/decision-log/decision-event.ts';
import { loadOrCreateDecisionLogKeys } from '../src/decision-log/decision-log-keys.ts';
import { Pseudonymiser } from '../src/decision-log/pseudonymiser.ts';
import { createDemoRandom, type DemoRandom } from '../src/demo/demo-random.ts';
import { FEATURE_NAMES } from '../src/model/features.ts';
import { KnexCourseOutcomeStore } from '../src/outcomes/knex-course-outcome-store.ts';
import { KnexRecommendationStore } from '../src/recommendations/knex-recommendation-store.ts';
import { DEFAULT_SETTINGS } from '../src/settings/settings.ts';
import { createTimeOrderedId } from '../src/shared/time-ordered-id.ts';
import { parseCount, printTable } from './bench-cli.ts';

/** Targets of issue 4, item 7. */
const APPEND_TARGET = 3;
const VERIFY_TARGET = 0.3;
const CHECKPOINT_EVERY = 1000;
const ITEMS_PER_SET = 10;
const COUNSELORS = 200;
const SEEKERS = 20_000;

const program = new Command()
  .name('npm run bench:audit --')
  .description(
    'Times, in one run and side by side: DecisionLog.append against a raw better-sqlite3 insert of the ' +
      'same row; verifyRange against node:crypto SHA-256 over the same bytes; and the auditor queries ' +
      '(oversight figures, filtered pages, a streamed export) on a SQLite log of a million events.',
  )
  .option('--events <n>', 'events in the large log', parseCount, 1_000_000)
  .option('--appends <n>', 'events appended one transaction each, per side', parseCount, 2_000)
  .option('--verify <n>', 'events verified and hashed, per side', parseCount, 100_000)
  .option('--only-verify', 'time only the verification, on a log of --events events (no appends, no queries)')
  .option('--keep', 'keep the temporary data folder (its path is printed)')
  .parse();
const options = program.opts<{
  events: number;
  appends: number;
  verify: number;
  onlyVerify?: boolean;
  keep?: boolean;
}>();

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiguillage-bench-audit-'));
const config = loadConfig({
  NODE_ENV: 'development',
  DATA_DIR: dataDir,
  AUDIT_CHECKPOINT_EVERY: String(CHECKPOINT_EVERY),
  LOG_LEVEL: 'silent',
});
const started = performance.now();
console.log(`bench:audit on SQLite in ${dataDir} (Node ${process.version}, ${os.cpus().length} CPUs)\n`);

try {
  if (options.onlyVerify !== true) await benchAppend();
  await benchLargeLog();
} finally {
  if (options.keep !== true) fs.rmSync(dataDir, { recursive: true, force: true });
}
console.log(`\nwhole run: ${formatSeconds(performance.now() - started)}`);

/** Append cost: DecisionLog.append in its own transaction, against the same row inserted raw. */
async function benchAppend(): Promise<void> {
  const rounds = 5;
  const perRound = Math.max(1, Math.floor(options.appends / rounds));
  const count = perRound * rounds;
  const events = Array.from({ length: count }, (_, index) => aDecidedEvent(index));

  // The rows the raw side inserts: the same events, as append records them (seq, hash…).
  const scratch = openDatabase({ databaseUrl: undefined, dataDir, sqliteFile: 'rows.sqlite' });
  await migrateToLatest(scratch);
  const scratchLog = await createDecisionLog(scratch, config);
  await scratchLog.decisionLog.withTransaction(async (trx) => {
    for (const event of [...events, ...events]) await scratchLog.decisionLog.append(trx, event);
  });
  const rows = await readRows(scratch, 1, 2 * count);
  await scratch.destroy();

  const db = openDatabase({ databaseUrl: undefined, dataDir, sqliteFile: 'append.sqlite' });
  await migrateToLatest(db);
  const log = await createDecisionLog(db, config);
  // A fresh copy of the table on a connection set up as the application's (WAL, synchronous=FULL).
  const rawDb = openDatabase({ databaseUrl: undefined, dataDir, sqliteFile: 'raw.sqlite' });
  await migrateToLatest(rawDb);
  await rawDb.destroy();
  const raw = new Database(path.join(dataDir, 'raw.sqlite'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  const insert = prepareInsert(raw);
  const insertOne = raw.transaction((row: EventRow) => insert.run(row));
  const insertAll = raw.transaction((batch: EventRow[]) => {
    for (const row of batch) insert.run(row);
  });

  // Rounds alternate between the two sides, so that a change in the disk's speed hits both.
  let appendMs = 0;
  let rawMs = 0;
  for (let round = 0; round < rounds; round += 1) {
    const from = round * perRound;
    appendMs += await timeAsync(() => appendEach(log, events.slice(from, from + perRound)));
    const batch = rows.slice(from, from + perRound);
    rawMs += time(() => {
      for (const row of batch) insertOne.immediate(row);
    });
  }
  const appendBatchMs = await timeAsync(() =>
    log.decisionLog.withTransaction(async (trx) => {
      for (const event of events) await log.decisionLog.append(trx, event);
    }),
  );
  const rawBatchMs = time(() => insertAll(rows.slice(count)));
  raw.close();
  await db.destroy();

  const perEvent = (ms: number) => (ms * 1000) / count;
  console.log(`1. append cost per event (${count} item.decided events, ~${averageBytes(rows)} bytes a row)`);
  printTable(
    ['', 'DecisionLog.append', 'raw insert', 'ratio', `target ≤ ${APPEND_TARGET}×`],
    [
      [
        'one transaction per event',
        `${perEvent(appendMs).toFixed(0)} µs`,
        `${perEvent(rawMs).toFixed(0)} µs`,
        `${(appendMs / rawMs).toFixed(2)}×`,
        appendMs / rawMs <= APPEND_TARGET ? 'met' : 'MISSED',
      ],
      [
        'all in one transaction (CPU only)',
        `${perEvent(appendBatchMs).toFixed(0)} µs`,
        `${perEvent(rawBatchMs).toFixed(1)} µs`,
        `${(appendBatchMs / rawBatchMs).toFixed(1)}×`,
        'no target',
      ],
    ],
  );
  console.log(
    '   The first row is the product case: each state change commits with its event (WAL, synchronous=FULL),\n' +
      `   in ${rounds} alternating rounds. The second shows the work append adds (head lock, pseudonyms, canonical\n` +
      '   JSON, SHA-256, knex building and preparing each statement) when no commit hides it.\n',
  );
}

/** A log of `options.events` events, then verification, the queries and the export on it. */
async function benchLargeLog(): Promise<void> {
  const db = openDatabase({ databaseUrl: undefined, dataDir });
  await migrateToLatest(db);
  const log = await createDecisionLog(db, config);
  const generation = await timeAsync(() => generateLog(path.join(dataDir, 'aiguillage.sqlite')));
  const fileBytes = fs.statSync(path.join(dataDir, 'aiguillage.sqlite')).size;
  console.log(
    `   (${options.events.toLocaleString('en')} events generated in ${formatSeconds(generation)} by batched raw ` +
      `inserts computing the chain; file ${(fileBytes / 1e9).toFixed(2)} GB)\n`,
  );
  await benchVerification(log);
  if (options.onlyVerify !== true) await benchQueries(db, log);
  await db.destroy();
}

async function benchVerification(log: DecisionLogParts): Promise<void> {
  const count = Math.min(options.verify, options.events);
  // The latest events, as an auditor checking recent activity would: written last, they are still in
  // the page cache, as the raw side's bytes are in memory. (This machine pages out file pages left
  // unread for a few seconds; the first events of a million, written a minute earlier, would be read
  // back from disk and the figure would time the disk.)
  const fromSeq = options.events - count + 1;
  // The exact bytes each hash covers, prepared first: the raw side times SHA-256 alone. They are
  // built the reference way (canonical JSON of the parsed event), independently of verifyRange.
  const inputs: Array<[string, string]> = [];
  const hashes: string[] = [];
  for await (const event of log.decisionLog.streamEvents({ fromSeq, toSeq: options.events })) {
    const { hash, ...unhashed } = event;
    inputs.push([event.prevHash, canonicalJson({ ...unhashed, actor: { ...event.actor } })]);
    hashes.push(hash);
  }
  const bytes = inputs.reduce(
    (sum, [prev, text]) => sum + Buffer.byteLength(prev) + Buffer.byteLength(text),
    0,
  );
  const hashAll = () => {
    for (const [prev, text] of inputs) crypto.createHash('sha256').update(prev).update(text).digest('hex');
  };
  // Untimed: the raw side hashes the very bytes the stored hashes were computed over.
  inputs.forEach(([prev, text], index) => {
    if (crypto.createHash('sha256').update(prev).update(text).digest('hex') !== hashes[index]) {
      throw new Error(`the raw side does not hash what event ${fromSeq + index} was hashed over`);
    }
  });

  // Rounds alternate between the two sides, and the best of each counts: other work on the
  // machine slows one round or another, not the code being measured.
  const rounds = 5;
  const verifyRuns: number[] = [];
  const hashRuns: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    verifyRuns.push(
      await timeAsync(async () => {
        const result = await log.decisionLog.verifyRange(fromSeq, options.events);
        if (!result.ok) throw new Error(`the generated log does not verify: ${result.reason}`);
      }),
    );
    hashRuns.push(time(hashAll));
  }
  inputs.length = 0;
  const verifyMs = Math.min(...verifyRuns);
  const hashMs = Math.min(...hashRuns);

  const rate = (ms: number) => `${Math.round((count / ms) * 1000).toLocaleString('en')} ev/s`;
  const mbps = (ms: number) => `${(bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s`;
  const runs = (list: number[]) => list.map((ms) => ms.toFixed(0)).join(', ');
  console.log(
    `2. verification throughput (events ${fromSeq.toLocaleString('en')}–${options.events.toLocaleString('en')}, ` +
      `${(bytes / 1e6).toFixed(0)} MB hashed, ` +
      `best of ${rounds} alternating rounds)`,
  );
  printTable(
    ['', 'verifyRange', 'raw SHA-256', 'share', `target ≥ ${VERIFY_TARGET * 100}%`],
    [
      [
        'throughput',
        `${rate(verifyMs)}, ${mbps(verifyMs)}`,
        `${rate(hashMs)}, ${mbps(hashMs)}`,
        `${((hashMs / verifyMs) * 100).toFixed(0)}%`,
        hashMs / verifyMs >= VERIFY_TARGET ? 'met' : 'MISSED',
      ],
      ['rounds (ms)', runs(verifyRuns), runs(hashRuns), '', ''],
    ],
  );
  console.log(
    '   verifyRange reads, a page at a time, the text each hash covers as the database assembles it from the\n' +
      '   stored columns (the payload as stored), and hashes it; events after the last signed checkpoint also have\n' +
      '   their payload checked for canonical form. The raw side hashes the same bytes, held in memory as flat strings.\n',
  );
}

async function benchQueries(db: Knex, log: DecisionLogParts): Promise<void> {
  const store = new KnexAuditEventStore(db);
  const service = new AuditService({
    events: store,
    log: log.decisionLog,
    keyring: log.subjectKeyring,
    models: { listModels: async () => [] },
    settings: { getSettings: async () => DEFAULT_SETTINGS },
    sets: new KnexRecommendationStore(db),
    outcomes: new KnexCourseOutcomeStore(db),
    minPeoplePerFigure: 1,
    figureWeeks: new KnexFigureWeekStore(db),
    logDays: 3650,
    pseudonymise: (id) => log.pseudonymiser.pseudonymise(id),
    now: () => new Date(),
  });
  const request = {
    auditor: { subject: 'bench-auditor', roles: ['auditor' as const] },
    purpose: 'benchmark',
  };
  const first = await store.listEvents({}, { afterSeq: 0, limit: 1 });
  const last = (await log.decisionLog.readHead()).seq;
  const start = first[0]?.occurredAt ?? '2026-01-05T00:00:00.000Z';
  const midWeek = new Date(Date.parse(start) + 26 * 7 * 86_400_000).toISOString();
  const weekAfter = new Date(Date.parse(midWeek) + 7 * 86_400_000).toISOString();
  const actor = log.pseudonymiser.pseudonymise('c-0042');
  const subject = log.pseudonymiser.pseudonymise('js-04242');

  const rows: string[][] = [];
  const measure = async (label: string, run: () => Promise<unknown>) => {
    await run();
    const runs: number[] = [];
    for (let i = 0; i < 3; i += 1) runs.push(await timeAsync(run));
    rows.push([label, `${Math.min(...runs).toFixed(0)} ms`]);
  };
  const page = (filter: Parameters<AuditService['listEvents']>[1]) => () =>
    service.listEvents(request, filter, { afterSeq: 0, limit: 50 });

  const oversightAll = await timeAsync(() => service.computeOversight(request, {}));
  rows.push([
    `oversight figures, whole log (${last.toLocaleString('en')} events)`,
    `${oversightAll.toFixed(0)} ms`,
  ]);
  await measure('oversight figures, one week', () =>
    service.computeOversight(request, { from: midWeek, to: weekAfter }),
  );
  await measure('attribution figures, one week', () =>
    service.computeAttributions(request, { from: midWeek, to: weekAfter }),
  );
  await measure('events page: one type', page({ types: ['recommendation.published'] }));
  await measure('events page: a counselor', page({ actor }));
  await measure('events page: a job seeker', page({ subject }));
  await measure('events page: a week', page({ from: midWeek, to: weekAfter }));
  await measure('events page: a counselor in a week', page({ actor, from: midWeek, to: weekAfter }));
  await measure('events page: a model version', page({ modelVersion: '1.1.0' }));
  await measure('count for an export: a counselor', () => store.countEvents({ actor }, last));

  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  let bytes = 0;
  const sink = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      setImmediate(done);
    },
  });
  const exportMs = await timeAsync(async () => {
    const exported = await service.exportEvents(request, {}, 'ndjson');
    await writeStreamed(sink, mapLines(exported.events));
  });
  rows.push([
    `NDJSON export of the whole log (${(bytes / 1e9).toFixed(2)} GB)`,
    `${formatSeconds(exportMs)}, RSS +${((rssPeak - rssBefore) / 1e6).toFixed(0)} MB at most`,
  ]);

  console.log(
    `3. auditor queries on ${last.toLocaleString('en')} events (best of 3 after a warm-up, through AuditService)`,
  );
  printTable(['', 'latency'], rows);
  console.log('\n   SQLite query plans of the event pages:');
  for (const [label, filter] of [
    ['one type', { types: ['recommendation.published'] }],
    ['a counselor', { actor }],
    ['a job seeker', { subject }],
    ['a week', { from: midWeek, to: weekAfter }],
    ['oversight read', { types: ['recommendation.generated', 'item.decided'], from: midWeek }],
  ] as const) {
    const plan = await explain(db, store, filter);
    console.log(`   - ${label}: ${plan}`);
  }
}

async function explain(
  db: Knex,
  store: KnexAuditEventStore,
  filter: Parameters<KnexAuditEventStore['listEvents']>[0],
): Promise<string> {
  let statement: { sql: string; bindings: readonly unknown[] } | undefined;
  // The page query itself, not the lookup of the time range's seqs before it.
  const listen = (query: { sql: string; bindings: readonly unknown[] }) => {
    if (/ limit /i.test(query.sql)) statement ??= query;
  };
  db.on('query', listen);
  await store.listEvents(filter, { afterSeq: 0, limit: 50 });
  db.off('query', listen);
  if (statement === undefined) return 'no statement';
  const plan: Array<{ detail: string }> = await db.raw(`explain query plan ${statement.sql}`, [
    ...statement.bindings,
  ] as Knex.RawBinding[]);
  return plan.map((step) => step.detail).join('; ');
}

async function* mapLines(events: AsyncIterable<StoredEvent>): AsyncIterable<string> {
  for await (const event of events) yield formatNdjsonLine(event);
}

/**
 * Writes a realistic log straight into the SQLite file: sets generated, opened, decided item by
 * item, sometimes added to, published; the hash chain and signed checkpoints computed as the log
 * computes them, so that the result verifies.
 */
async function generateLog(file: string): Promise<void> {
  const keys = loadOrCreateDecisionLogKeys(dataDir, config.audit);
  const signer = new CheckpointSigner(keys.signingKey);
  const pseudonymiser = new Pseudonymiser(keys.pseudonymKey);
  const counselors = Array.from({ length: COUNSELORS }, (_, i) =>
    pseudonymiser.pseudonymise(`c-${String(i).padStart(4, '0')}`),
  );
  const seekers = Array.from({ length: SEEKERS }, (_, i) =>
    pseudonymiser.pseudonymise(`js-${String(i).padStart(5, '0')}`),
  );
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = OFF');
  const insert = prepareInsert(raw);
  const insertCheckpoint = raw.prepare(
    'insert into decision_checkpoints (seq, hash, signed_at, key_id, signature) values (?, ?, ?, ?, ?)',
  );
  const random = createDemoRandom(20261129);
  let seq = 0;
  let prevHash = GENESIS_HASH;
  let clock = Date.parse('2026-01-05T08:00:00.000Z');
  // About a year of activity whatever the size: the mean gap between events.
  const gapMs = (365 * 86_400_000) / options.events;
  let batch: EventRow[] = [];
  const writeBatch = raw.transaction((rows: EventRow[]) => {
    for (const row of rows) {
      insert.run(row);
      if (row.seq % CHECKPOINT_EVERY === 0) {
        const checkpoint = signer.sign(row.seq, row.hash, row.occurred_at);
        insertCheckpoint.run(
          checkpoint.seq,
          checkpoint.hash,
          checkpoint.signedAt,
          checkpoint.keyId,
          checkpoint.signature,
        );
      }
    }
  });
  const push = (event: GeneratedEvent) => {
    seq += 1;
    clock += gapMs * (0.5 + random.next());
    const row: EventRow = {
      seq,
      event_id: createTimeOrderedId(clock),
      type: event.type,
      occurred_at: new Date(clock).toISOString(),
      actor_role: event.actor.role,
      actor_pseudonym: event.actor.pseudonym,
      subject: event.subject,
      payload: canonicalJson(event.payload),
      personal: event.personal,
      prev_hash: prevHash,
      hash: '',
    };
    row.hash = hashRow(row);
    prevHash = row.hash;
    batch.push(row);
    if (batch.length >= 10_000) {
      writeBatch(batch);
      batch = [];
    }
  };

  while (seq < options.events) {
    for (const event of aReviewedSet(random, counselors, seekers)) {
      if (seq >= options.events) break;
      push(event);
    }
  }
  writeBatch(batch);
  raw.prepare('update decision_log_head set seq = ?, hash = ? where id = 1').run(seq, prevHash);
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
}

type GeneratedEvent = Omit<RecordedDecisionEvent, 'seq' | 'prevHash' | 'hash' | 'occurredAt' | 'eventId'>;

/** The events of one set, in the order the workflow appends them. */
function* aReviewedSet(
  random: DemoRandom,
  counselors: string[],
  seekers: string[],
): Generator<GeneratedEvent> {
  const counselor = random.pick(counselors);
  const subject = random.pick(seekers);
  const actor = { role: 'counselor', pseudonym: counselor };
  const setId = crypto.randomUUID();
  // Two model versions in turn through the year, as after a model update.
  const model = random.chance(0.5)
    ? { id: 'aiguillage-ebm-1.0.0', version: '1.0.0', sha256: 'a'.repeat(64) }
    : { id: 'aiguillage-ebm-1.1.0', version: '1.1.0', sha256: 'b'.repeat(64) };
  const items = Array.from({ length: ITEMS_PER_SET }, (_, index) => ({
    itemId: crypto.randomUUID(),
    courseId: `FOR-${String(random.nextInt(1, 9999)).padStart(4, '0')}`,
    rank: index + 1,
    score: Math.round((0.95 - index * 0.05 + random.next() * 0.02) * 1e6) / 1e6,
    contributions: Object.fromEntries(
      FEATURE_NAMES.map((name) => [name, Math.round((random.next() - 0.4) * 1e6) / 1e6]),
    ),
  }));
  yield {
    type: 'recommendation.generated',
    actor,
    subject,
    payload: {
      setId,
      model,
      attributionMethod: 'exact-additive',
      candidateCount: random.nextInt(10, 80),
      status: 'pending_review',
      secondReviewRequired: false,
      items,
    },
    personal: aSealedLookalike(1800),
  };
  const opened = random.chance(0.9);
  if (opened) {
    yield {
      type: 'recommendation.opened',
      actor,
      subject,
      payload: { setId, secondsSinceCreation: 30 },
      personal: null,
    };
  }
  let seconds = 0;
  for (const item of items) {
    seconds += random.nextInt(2, 90);
    const approved = random.chance(0.7);
    yield {
      type: 'item.decided',
      actor,
      subject,
      payload: {
        setId,
        itemId: item.itemId,
        courseId: item.courseId,
        source: 'model',
        rank: item.rank,
        score: item.score,
        decision: approved ? 'approved' : 'rejected',
        reasonCode: approved ? null : 'not_matching_project',
        decisionSeconds: opened ? seconds : null,
        hasComment: false,
      },
      personal: null,
    };
  }
  if (random.chance(0.1)) {
    yield {
      type: 'item.added',
      actor,
      subject,
      payload: {
        setId,
        itemId: crypto.randomUUID(),
        courseId: 'FOR-0001',
        decisionSeconds: opened ? seconds + 20 : null,
      },
      personal: aSealedLookalike(120),
    };
  }
  yield {
    type: 'recommendation.published',
    actor,
    subject,
    payload: {
      setId,
      approvedItemIds: [],
      approvedCount: 7,
      rejectedCount: 3,
      addedCount: 0,
      secondReview: false,
    },
    personal: null,
  };
}

/** A string shaped like a sealed personal part (the bench never opens them). */
function aSealedLookalike(bytes: number): string {
  const part = (n: number) => crypto.randomBytes(n).toString('base64url');
  return `p1.${crypto.randomUUID()}.${part(12)}.${part(bytes)}.${part(16)}`;
}

/** The event hash of a row as the log would store it, around its payload text (canonical). */
function hashRow(row: EventRow): string {
  const event = {
    seq: row.seq,
    eventId: row.event_id,
    type: row.type,
    occurredAt: row.occurred_at,
    actor: { role: row.actor_role, pseudonym: row.actor_pseudonym },
    subject: row.subject,
    personal: row.personal,
    prevHash: row.prev_hash,
  };
  return hashEventText(row.prev_hash, writeHashedText(event, row.payload));
}

function aDecidedEvent(index: number): NewDecisionEvent {
  return {
    type: 'item.decided',
    actor: { role: 'counselor', id: `c-${index % 50}` },
    subjectId: `js-${index % 400}`,
    payload: {
      setId: crypto.randomUUID(),
      itemId: crypto.randomUUID(),
      courseId: 'FOR-0042',
      source: 'model',
      rank: 1 + (index % 10),
      score: 0.8123,
      decision: index % 3 === 0 ? 'rejected' : 'approved',
      reasonCode: index % 3 === 0 ? 'not_matching_project' : null,
      decisionSeconds: 12.5,
      hasComment: false,
    },
  };
}

async function appendEach(log: DecisionLogParts, events: readonly NewDecisionEvent[]): Promise<void> {
  for (const event of events) {
    await log.decisionLog.withTransaction((trx) => log.decisionLog.append(trx, event));
  }
}

interface EventRow {
  seq: number;
  event_id: string;
  type: string;
  occurred_at: string;
  actor_role: string;
  actor_pseudonym: string;
  subject: string | null;
  payload: string;
  personal: string | null;
  prev_hash: string;
  hash: string;
}

async function readRows(db: Knex, fromSeq: number, toSeq: number): Promise<EventRow[]> {
  return db('decision_events').whereBetween('seq', [fromSeq, toSeq]).orderBy('seq');
}

function prepareInsert(raw: Database.Database): Database.Statement<[EventRow]> {
  return raw.prepare(
    'insert into decision_events (seq, event_id, type, occurred_at, actor_role, actor_pseudonym, subject, ' +
      'payload, personal, prev_hash, hash) values (@seq, @event_id, @type, @occurred_at, @actor_role, ' +
      '@actor_pseudonym, @subject, @payload, @personal, @prev_hash, @hash)',
  );
}

function averageBytes(rows: EventRow[]): number {
  const total = rows.reduce((sum, row) => sum + JSON.stringify(row).length, 0);
  return Math.round(total / Math.max(rows.length, 1));
}

function time(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

async function timeAsync(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
