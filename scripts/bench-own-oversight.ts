/**
 * What one counselor's read of their own oversight figures costs on a realistic log: how long the call
 * takes and how long it holds the event loop (every other request waits that long), by period asked.
 * SQLite by default; PostgreSQL with `TEST_DATABASE_URL` set to an admin URL, as the test suite.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Command } from 'commander';
import type { Knex } from 'knex';
import { KnexAuditEventStore } from '../src/audit/knex-audit-event-store.ts';
import { OwnOversightService } from '../src/audit/own-oversight-service.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrations.ts';
import { createDecisionLog } from '../src/decision-log/create-decision-log.ts';
import { FEATURE_NAMES } from '../src/model/features.ts';
import { DEFAULT_SETTINGS } from '../src/settings/settings.ts';
import { InvalidInputError } from '../src/shared/errors.ts';
import { BULK_SQL, insertEvents } from '../test/support/query-plans.ts';
import { createTestDatabase } from '../test/support/test-database.ts';
import { parseCount, printTable } from './bench-cli.ts';

const ITEMS_PER_SET = 10;
const WEEK_MS = 7 * 86_400_000;

const program = new Command()
  .name('npm run bench:own-oversight --')
  .description(
    "Times GET /v1/counselor/stats/oversight's service call, and the longest the event loop waits while " +
      'it runs, on a log of an agency: each counselor generating and reviewing sets every week for a year.',
  )
  .option('--counselors <n>', 'counselors of the agency', parseCount, 200)
  .option('--sets-per-week <n>', 'sets each counselor generates and reviews a week', parseCount, 10)
  .option('--weeks <n>', 'weeks of activity in the log', parseCount, 52)
  .option('--runs <n>', 'timed runs of each call after its warm-up (the best counts)', parseCount, 3)
  .parse();
const options = program.opts<{ counselors: number; setsPerWeek: number; weeks: number; runs: number }>();

const database = await createTestDatabase();
const db = openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
try {
  await migrateToLatest(db);
  const sets = options.counselors * options.setsPerWeek * options.weeks;
  const generationMs = await timeAsync(() => fillLog(db, sets));
  const events = Number((await db('decision_events').count({ n: '*' }))[0]?.n);
  console.log(
    `bench:own-oversight on ${database.engine} (Node ${process.version}): ${options.counselors} counselors × ` +
      `${options.setsPerWeek} sets a week × ${options.weeks} weeks = ${sets.toLocaleString('en')} sets, ` +
      `${events.toLocaleString('en')} events (written in ${(generationMs / 1000).toFixed(1)} s)\n`,
  );
  await benchCalls(db, sets * (ITEMS_PER_SET + 4));
} finally {
  await db.destroy();
  await database.drop();
}

/**
 * Each set `g` (1 to `sets`) as its counselor reviews it, its events 30 s apart from its generation:
 * generated with ten items, opened, each item decided (every third rejected), published, and one
 * explanation read by the person. Sets follow each other evenly over the weeks from 2026-01-01.
 */
async function fillLog(db: Knex, sets: number): Promise<void> {
  const { text, at } = BULK_SQL;
  const gapSeconds = Math.floor((options.weeks * WEEK_MS) / 1000 / sets);
  const perSet = ITEMS_PER_SET + 4;
  const g = text('g');
  const itemId = (k: number) => `"i-' || ${g} || '-${k}"`;
  const contributions = JSON.stringify(Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, i / 100])));
  const items = Array.from(
    { length: ITEMS_PER_SET },
    (_, k) =>
      `{"itemId":${itemId(k + 1)},"courseId":"FOR-${k}","rank":${k + 1},"score":0.${90 - k},` +
      `"contributions":${contributions}}`,
  ).join(',');
  const counselor = `'c-' || ${text(`g % ${options.counselors}`)}`;
  const event = (k: number, type: string, payload: string, actor = counselor) =>
    insertEvents(db, sets, {
      seq: `(g - 1) * ${perSet} + ${k + 1}`,
      type: `'${type}'`,
      occurred_at: at(`g * ${gapSeconds} + ${k * 30}`),
      actor_role: actor === counselor ? "'counselor'" : "'job_seeker'",
      actor_pseudonym: actor,
      subject: `'js-' || ${g}`,
      payload,
    });
  const model = `{"id":"aiguillage-ebm-1.0.0","version":"1.0.0","sha256":"${'a'.repeat(64)}"}`;
  await event(
    0,
    'recommendation.generated',
    `'{"setId":"s-' || ${g} || '","model":${model},"attributionMethod":"exact-additive",` +
      `"candidateCount":40,"status":"pending_review","secondReviewRequired":false,"items":[${items}]}'`,
  );
  await event(1, 'recommendation.opened', `'{"setId":"s-' || ${g} || '","secondsSinceCreation":30}'`);
  const rejected = (k: number) => `(g + ${k}) % 3 = 0`;
  for (let k = 1; k <= ITEMS_PER_SET; k += 1) {
    await event(
      k + 1,
      'item.decided',
      `'{"setId":"s-' || ${g} || '","itemId":${itemId(k)},"courseId":"FOR-${k}","source":"model",` +
        `"rank":${k},"score":0.8,"decision":' || case when ${rejected(k)} then ` +
        `'"rejected","reasonCode":"too_far"' else '"approved","reasonCode":null' end || ` +
        `',"decisionSeconds":' || ${text(`(g * 7 + ${k * 13}) % 90 + 2`)} || ',"hasComment":false}'`,
    );
  }
  const approvedIds = Array.from(
    { length: ITEMS_PER_SET },
    (_, k) => `case when ${rejected(k + 1)} then '' else '${itemId(k + 1)},' end`,
  ).join(' || ');
  await event(
    ITEMS_PER_SET + 2,
    'recommendation.published',
    `'{"setId":"s-' || ${g} || '","approvedItemIds":[' || ${approvedIds} || '"none"],"secondReview":false}'`,
  );
  await event(
    ITEMS_PER_SET + 3,
    'explanation.opened',
    `'{"setId":"s-' || ${g} || '","itemId":"i-' || ${g} || '-2"}'`,
    `'js-' || ${g}`,
  );
  await db('decision_log_head').update({ seq: sets * perSet, hash: '1'.repeat(64) });
  if (database.engine === 'postgres') await db.raw('analyze decision_events');
}

/** Each period a counselor may ask, timed on its own (the best of `--runs` after a warm-up), the loop watched. */
async function benchCalls(db: Knex, lastSeq: number): Promise<void> {
  const end = new Date(Date.parse('2026-01-01T00:00:00.000Z') + options.weeks * WEEK_MS);
  const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: database.dataDir, LOG_LEVEL: 'silent' });
  const { decisionLog } = await createDecisionLog(db, config);
  const service = new OwnOversightService({
    events: new KnexAuditEventStore(db),
    log: decisionLog,
    settings: { getSettings: async () => DEFAULT_SETTINGS },
    pseudonymise: (id) => id,
    now: () => end,
  });
  const counselor = { subject: `c-${42 % options.counselors}`, roles: ['counselor' as const] };
  const weeksBack = (weeks: number) => new Date(end.getTime() - weeks * WEEK_MS).toISOString();
  const cases: Array<[string, { from?: string }, boolean]> = [
    ['no period asked (the last 4 weeks)', {}, false],
    ['the last 52 weeks', { from: weeksBack(52) }, false],
    ['the last 13 weeks', { from: weeksBack(13) }, false],
    ['the last 13 weeks, with all counselors', { from: weeksBack(13) }, true],
    ['the last 4 weeks', { from: weeksBack(4) }, false],
    ['the last 4 weeks, with all counselors', { from: weeksBack(4) }, true],
    ['the last week', { from: weeksBack(1) }, false],
  ];
  // The figures are those of a real review: the counselor's sets all counted, with their decisions.
  const recent = await service.computeOwnOversight(
    counselor,
    { from: weeksBack(4) },
    { includeAllCounselors: false },
  );
  const counted = recent.rows.reduce((sum, row) => sum + row.sets, 0);
  const decided = recent.rows.reduce((sum, row) => sum + row.decisions, 0);
  console.log(
    `the counselor's own figures of the last 4 weeks count ${counted} sets and ${decided} decisions\n`,
  );
  console.log(
    `one call (best of ${options.runs} after a warm-up; up to seq ${lastSeq.toLocaleString('en')})`,
  );
  const rows: string[][] = [];
  for (const [label, period, includeAllCounselors] of cases) {
    const run = () => service.computeOwnOversight(counselor, period, { includeAllCounselors });
    const refusal = await run().then(
      () => undefined,
      (error: unknown) => (error instanceof InvalidInputError ? error : Promise.reject(error)),
    );
    if (refusal !== undefined) {
      rows.push([label, 'refused (422)', '']);
      continue;
    }
    const runs = [];
    for (let i = 0; i < options.runs; i += 1) runs.push(await watchLoop(run));
    const best = runs.reduce((a, b) => (b.callMs < a.callMs ? b : a));
    rows.push([label, `${best.callMs.toFixed(0)} ms`, `${best.longestHoldMs.toFixed(0)} ms`]);
  }
  printTable(['period asked', 'call', 'loop held at most'], rows);
  console.log(
    '\n   "loop held at most": the longest the event loop went without running a timer while the call ran;\n' +
      '   any other request arriving then waits that long before Node even reads it.',
  );
}

/** Times `run` and the longest the event loop went without turning meanwhile. */
async function watchLoop(run: () => Promise<unknown>): Promise<{ callMs: number; longestHoldMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let longestGap = 0;
  let last = performance.now();
  let running = true;
  const tick = () => {
    const now = performance.now();
    longestGap = Math.max(longestGap, now - last);
    last = now;
    if (running) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  histogram.enable();
  const callMs = await timeAsync(run);
  running = false;
  histogram.disable();
  tick();
  // The timer's own minimum wait (about 1 ms) is not the call's doing.
  return { callMs, longestHoldMs: Math.max(longestGap, histogram.max / 1e6) };
}

async function timeAsync(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}
