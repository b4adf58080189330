import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../support/run-script.ts';
import { createAndPublish } from '../support/workflow.ts';
import { startWorkflowApp, type WorkflowApp } from '../support/workflow-app.ts';

const PURPOSE = 'quarterly offline verification';
const CHECKPOINTS = 'checkpoints.ndjson';

interface Verdict {
  ok: boolean;
  firstBadSeq: number | null;
  reason: string | null;
  warnings: string[];
}

/** What the export of a period said about itself in its headers. */
interface ExportedRange {
  lines: string[];
  fromSeq: number;
  toSeq: number;
  eventCount: number;
}

const seqOf = (line: string): number => (JSON.parse(line) as { seq: number }).seq;

/**
 * README, "An auditor's session": export the last week (a checkpoint is signed at the head first),
 * keep its headers, take the checkpoints up to `X-Audit-To-Seq` and the public key, and run
 * `npm run audit:verify -- week.ndjson … --range --from-seq … --to-seq … --event-count …`. Lines cut
 * off at either end of the file still chain correctly: the headers are what shows them.
 */
describe('the offline check of an export of part of the log, cut at either end', () => {
  let w: WorkflowApp;
  let auditor: string;
  let folder: string;
  let week: ExportedRange;
  let checkpointSeqs: number[];
  let from: string;
  /** Between the second and the third publication of the week. */
  let middle: string;

  const get = (url: string, accept = 'application/json') =>
    w.t.http
      .get(url)
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', PURPOSE)
      .set('Accept', accept)
      .buffer(true)
      .parse((res, callback) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => callback(null, text));
      });

  const exportPeriod = async (query: string): Promise<ExportedRange> => {
    const res = await get(`/v1/audit/events/export?format=ndjson&${query}`);
    expect(res.status).toBe(200);
    return {
      lines: String(res.body)
        .split('\n')
        .filter((line) => line !== ''),
      fromSeq: Number(res.headers['x-audit-from-seq']),
      toSeq: Number(res.headers['x-audit-to-seq']),
      eventCount: Number(res.headers['x-audit-event-count']),
    };
  };

  /**
   * Every checkpoint up to `toSeq`, as the README's loop writes them, in `checkpoints.ndjson`; those
   * `kept` only, in a file of that name.
   */
  const writeCheckpoints = async (
    toSeq: number,
    kept: { name: string; seqs: (seq: number) => boolean } = { name: CHECKPOINTS, seqs: () => true },
  ): Promise<number[]> => {
    const res = await get(`/v1/audit/checkpoints?toSeq=${toSeq}&limit=200`);
    const items = (JSON.parse(String(res.body)) as { items: Array<{ seq: number }> }).items.filter((c) =>
      kept.seqs(c.seq),
    );
    fs.writeFileSync(path.join(folder, kept.name), items.map((c) => `${JSON.stringify(c)}\n`).join(''));
    return items.map((c) => c.seq);
  };

  const verify = async (exported: readonly string[], flags: string[], checkpoints = CHECKPOINTS) => {
    const first = exported[0] === undefined ? 'none' : seqOf(exported[0]);
    const file = path.join(folder, `export-${first}-${exported.length}.ndjson`);
    fs.writeFileSync(file, exported.map((line) => `${line}\n`).join(''));
    const run = await runScript('audit-verify.ts', [
      file,
      '--public-key',
      path.join(folder, 'decision-log.pem'),
      '--checkpoints',
      path.join(folder, checkpoints),
      '--range',
      ...flags,
      '--json',
    ]);
    return { code: run.code, verdict: JSON.parse(run.stdout) as Verdict };
  };

  /** The README's flags, from the export's headers. */
  const headerFlags = (exported: ExportedRange) => [
    '--from-seq',
    String(exported.fromSeq),
    '--to-seq',
    String(exported.toSeq),
    '--event-count',
    String(exported.eventCount),
  ];

  beforeAll(async () => {
    // A checkpoint every 10 events, as every 1,000 on a real log: a week's export spans several.
    w = await startWorkflowApp({ env: { AUDIT_CHECKPOINT_EVERY: '10' } });
    auditor = await w.t.tokenFor('auditor', 'dpo-1');
    folder = path.join(w.t.database.dataDir, 'auditor');
    fs.mkdirSync(folder);
    // Events before the week, so that it starts after seq 1.
    await createAndPublish(w.t, w.counselor, 'js-1', { approve: 1 });
    w.clock.advance(60_000);
    from = w.clock.now().toISOString();
    for (let i = 0; i < 4; i += 1) {
      w.clock.advance(60_000);
      if (i === 2) middle = w.clock.now().toISOString();
      await createAndPublish(w.t, w.counselor, 'js-1', { approve: 1 });
    }
    week = await exportPeriod(`from=${encodeURIComponent(from)}`);
    checkpointSeqs = await writeCheckpoints(week.toSeq);
    const key = await get('/v1/audit/public-key', 'text/plain');
    fs.writeFileSync(path.join(folder, 'decision-log.pem'), String(key.body));
  }, 120_000);
  afterAll(() => w?.t.close());

  it('gives the seqs of its first and last events (none when empty) and their count in its headers, and holds as given', async () => {
    expect(week.fromSeq).toBe(seqOf(week.lines[0] ?? ''));
    expect(week.fromSeq).toBeGreaterThan(1);
    expect(week.toSeq).toBe(seqOf(week.lines.at(-1) ?? ''));
    expect(week.eventCount).toBe(week.lines.length);
    const none = await exportPeriod(`from=${encodeURIComponent('2099-01-01T00:00:00.000Z')}`);
    expect(none).toMatchObject({ lines: [], eventCount: 0, fromSeq: Number.NaN });
    const { code, verdict } = await verify(week.lines, headerFlags(week));
    expect({ code, ok: verdict.ok }).toEqual({ code: 0, ok: true });
    // Its link to the events before it is taken on trust (no checkpoint falls just before it), its ends are not.
    expect(verdict.warnings.join(' ')).not.toMatch(/no --(from|to)-seq/);
  });

  it('does not declare intact an export whose last events were cut off', async () => {
    // Cut back to the last regular checkpoint before the end: the events after it (the last
    // publication, say) are gone, and the checkpoint signed at X-Audit-To-Seq says the export went on.
    const cutAt = checkpointSeqs.filter((seq) => seq < week.toSeq).at(-1) ?? 0;
    expect(checkpointSeqs).toContain(week.toSeq);
    const cut = week.lines.filter((line) => seqOf(line) <= cutAt);
    expect(cut.length).toBeLessThan(week.lines.length);

    const checked = await verify(cut, headerFlags(week));
    expect(checked).toMatchObject({ code: 1, verdict: { ok: false, firstBadSeq: cutAt + 1 } });
    expect(checked.verdict.reason).toContain(`checkpoint was signed at seq ${week.toSeq}`);

    // Without the headers too: a checkpoint given after the file's last event is a cut.
    expect(await verify(cut, [])).toMatchObject({ code: 1, verdict: { ok: false, firstBadSeq: cutAt + 1 } });

    // With no checkpoint given after the cut, X-Audit-To-Seq alone shows it.
    const short = week.lines.filter((line) => seqOf(line) < week.toSeq);
    const before = 'checkpoints-before-the-end.ndjson';
    await writeCheckpoints(week.toSeq, { name: before, seqs: (seq) => seq < week.toSeq });
    const { code, verdict } = await verify(short, ['--to-seq', String(week.toSeq)], before);
    expect({ code, ok: verdict.ok, firstBadSeq: verdict.firstBadSeq }).toEqual({
      code: 1,
      ok: false,
      firstBadSeq: week.toSeq,
    });
    expect(verdict.reason).toBe(
      `the export ends at seq ${week.toSeq - 1}, but was to end at seq ${week.toSeq}: event ${week.toSeq} was cut off at its end`,
    );
  });

  it('names one event cut off at the start of an export as that event, not as a range of one', async () => {
    const cut = week.lines.slice(1);
    const { code, verdict } = await verify(cut, headerFlags(week));
    expect({ code, firstBadSeq: verdict.firstBadSeq }).toEqual({ code: 1, firstBadSeq: week.fromSeq });
    expect(verdict.reason).toBe(
      `the export starts at seq ${week.fromSeq + 1}, but was to start at seq ${week.fromSeq} (--from-seq): event ${week.fromSeq} was cut off at its start`,
    );
  });

  it('does not declare intact an export whose first events were cut off, given X-Audit-From-Seq', async () => {
    // Cut up to a regular checkpoint: the checkpoint just before the file's new start matches it.
    const cutAt = checkpointSeqs.find((seq) => seq > week.fromSeq && seq < week.toSeq) ?? 0;
    expect(cutAt).toBeGreaterThan(0);
    const cut = week.lines.filter((line) => seqOf(line) > cutAt);

    const { code, verdict } = await verify(cut, headerFlags(week));
    expect({ code, ok: verdict.ok, firstBadSeq: verdict.firstBadSeq }).toEqual({
      code: 1,
      ok: false,
      firstBadSeq: week.fromSeq,
    });
    expect(verdict.reason).toBe(
      `the export starts at seq ${cutAt + 1}, but was to start at seq ${week.fromSeq} (--from-seq): events ${week.fromSeq} to ${cutAt} were cut off at its start`,
    );

    // Without it, nothing can tell: the verdict says so.
    const unbounded = await verify(cut, ['--to-seq', String(week.toSeq)]);
    expect(unbounded.code).toBe(0);
    expect(unbounded.verdict.warnings.join(' ')).toContain('no --from-seq given');
  });

  it('declares intact the export of a period with no event, as its headers say (no first seq, a count of 0), and not one emptied', async () => {
    const none = await exportPeriod(
      `from=${encodeURIComponent('2000-01-01T00:00:00Z')}&to=${encodeURIComponent('2000-01-08T00:00:00Z')}`,
    );
    expect(none).toMatchObject({ lines: [], eventCount: 0, fromSeq: Number.NaN });
    await writeCheckpoints(none.toSeq, { name: 'checkpoints-quiet.ndjson', seqs: () => true });
    const quiet = await verify(
      none.lines,
      ['--to-seq', String(none.toSeq), '--event-count', '0'],
      'checkpoints-quiet.ndjson',
    );
    expect({ code: quiet.code, ok: quiet.verdict.ok }).toEqual({ code: 0, ok: true });
    expect(quiet.verdict.warnings.join(' ')).toContain('holds no event');
    // A week that held events, emptied: its count says so.
    const emptied = await verify([], headerFlags(week));
    expect({ code: emptied.code, ok: emptied.verdict.ok }).toEqual({ code: 1, ok: false });
  });

  it('checks an export that ends before the head (`to` given) by its first seq and its count', async () => {
    const part = await exportPeriod(`from=${encodeURIComponent(from)}&to=${encodeURIComponent(middle)}`);
    expect(part.fromSeq).toBe(week.fromSeq);
    expect(seqOf(part.lines.at(-1) ?? '')).toBe(part.fromSeq + part.eventCount - 1);
    expect(seqOf(part.lines.at(-1) ?? '')).toBeLessThan(part.toSeq);
    const byCount = ['--from-seq', String(part.fromSeq), '--event-count', String(part.eventCount)];
    // The checkpoints up to the head are given: those after the export's end are not about it.
    await writeCheckpoints(part.toSeq);
    expect(await verify(part.lines, byCount)).toMatchObject({ code: 0, verdict: { ok: true } });

    const cut = part.lines.slice(0, -2);
    const { code, verdict } = await verify(cut, byCount);
    expect({ code, ok: verdict.ok, firstBadSeq: verdict.firstBadSeq }).toEqual({
      code: 1,
      ok: false,
      firstBadSeq: seqOf(part.lines.at(-2) ?? ''),
    });
  });
});
