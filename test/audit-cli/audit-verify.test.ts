import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Checkpoint } from '../../src/decision-log/checkpoint-signer.ts';
import type { RecordedDecisionEvent } from '../../src/decision-log/decision-event.ts';
import {
  appendMany,
  type DecisionLogFixture,
  startDecisionLog,
} from '../decision-log/support/decision-log-fixture.ts';
import { rechain } from '../decision-log/support/tampering.ts';
import { runScript, type ScriptRun } from '../support/run-script.ts';

interface JsonVerdict {
  ok: boolean;
  checked: number;
  checkpointsChecked: number;
  firstBadSeq: number | null;
  reason: string | null;
  unanchored: { fromSeq: number; toSeq: number } | null;
  warnings: string[];
}

/** Runs `npm run audit:verify -- <args>` as npm would. */
function runVerifier(args: string[]): Promise<ScriptRun> {
  return runScript('audit-verify.ts', args);
}

describe('npm run audit:verify (offline verification of an export)', () => {
  let fixture: DecisionLogFixture;
  let folder: string;
  let events: RecordedDecisionEvent[];
  let lines: string[];
  let publicKeyFile: string;
  let checkpointsFile: string;
  /** Checkpoints signed before the last five events: those five are not covered. */
  let olderCheckpointsFile: string;

  const write = (name: string, content: string): string => {
    const file = path.join(folder, name);
    fs.writeFileSync(file, content);
    return file;
  };
  const writeExport = (name: string, exported: readonly string[]): string =>
    write(name, exported.map((line) => `${line}\n`).join(''));
  const verifyJson = async (exportFile: string, extra: string[] = []) => {
    const run = await runVerifier([exportFile, '--public-key', publicKeyFile, ...extra, '--json']);
    return { code: run.code, verdict: JSON.parse(run.stdout) as JsonVerdict };
  };
  const verifyWithCheckpoints = (exportFile: string, extra: string[] = []) =>
    verifyJson(exportFile, ['--checkpoints', checkpointsFile, ...extra]);
  const listCheckpoints = async (): Promise<Checkpoint[]> => {
    const all: Checkpoint[] = [];
    for (;;) {
      const page = await fixture.decisionLog.listCheckpoints({ afterSeq: all.at(-1)?.seq ?? -1, limit: 2 });
      if (page.length === 0) return all;
      all.push(...page);
    }
  };

  beforeAll(async () => {
    fixture = await startDecisionLog({ checkpointEvery: 50 });
    folder = path.join(fixture.database.dataDir, 'export');
    fs.mkdirSync(folder);
    await appendMany(fixture, 300);
    await appendMany(fixture, 5);
    olderCheckpointsFile = write('older-checkpoints.json', JSON.stringify(await listCheckpoints()));
    // An auditor asks for a checkpoint of the head before exporting, so the end is covered too.
    await fixture.decisionLog.createCheckpoint();
    // The API's page shape: `{ items: [...] }`.
    checkpointsFile = write('checkpoints.json', JSON.stringify({ items: await listCheckpoints() }));
    publicKeyFile = write('decision-log.pub.pem', fixture.decisionLog.exportPublicKeyPem());

    events = [];
    for await (const event of fixture.decisionLog.streamEvents()) events.push(event);
    lines = events.map((event) => JSON.stringify(event));
    writeExport('export.ndjson', lines);
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('declares an untouched export intact, with exit code 0 and every checkpoint matched', async () => {
    const run = await runVerifier([
      path.join(folder, 'export.ndjson'),
      '--public-key',
      publicKeyFile,
      '--checkpoints',
      checkpointsFile,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('events checked:      305 (seq 1 to 305)');
    expect(run.stdout).toContain('checkpoints matched: 7 of 7 given');
    expect(run.stdout).toContain('INTACT');
    expect(run.stdout).not.toContain('warning');
  });

  it('reads checkpoints written one per line, a file of a single line included', async () => {
    const all = await listCheckpoints();
    const ndjson = await verifyJson(path.join(folder, 'export.ndjson'), [
      '--checkpoints',
      write('checkpoints.ndjson', all.map((checkpoint) => `${JSON.stringify(checkpoint)}\n`).join('')),
    ]);
    expect(ndjson.code).toBe(0);
    expect(ndjson.verdict).toMatchObject({ ok: true, checkpointsChecked: all.length });

    // The checkpoint at the head, alone: one line of NDJSON is one JSON object, read as that checkpoint.
    const head = all.at(-1);
    const one = await verifyJson(path.join(folder, 'export.ndjson'), [
      '--checkpoints',
      write('one-checkpoint.ndjson', `${JSON.stringify(head)}\n`),
    ]);
    expect(one.code).toBe(0);
    expect(one.verdict).toMatchObject({ ok: true, checked: 305, checkpointsChecked: 1, unanchored: null });
  });

  it('reports an edited line, with exit code 1 and its seq', async () => {
    const edited = [...lines];
    const event = JSON.parse(edited[122] ?? '') as RecordedDecisionEvent;
    edited[122] = JSON.stringify({ ...event, occurredAt: '2020-01-01T00:00:00.000Z' });
    const run = await runVerifier([
      writeExport('edited.ndjson', edited),
      '--public-key',
      publicKeyFile,
      '--checkpoints',
      checkpointsFile,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('NOT INTACT: first bad seq 123');
    expect(run.stdout).toContain('event 123 does not match its hash');
  });

  it('reports a deleted line at the seq that is missing', async () => {
    const deleted = lines.filter((_line, index) => index !== 199);
    const { code, verdict } = await verifyWithCheckpoints(writeExport('deleted.ndjson', deleted));
    expect(code).toBe(1);
    expect(verdict).toMatchObject({ ok: false, firstBadSeq: 200, checked: 199 });
  });

  it('reports two swapped lines at the first of them', async () => {
    const swapped = [...lines];
    [swapped[149], swapped[150]] = [swapped[150] ?? '', swapped[149] ?? ''];
    const { code, verdict } = await verifyWithCheckpoints(writeExport('swapped.ndjson', swapped));
    expect(code).toBe(1);
    expect(verdict).toMatchObject({ ok: false, firstBadSeq: 150 });
  });

  it('tells the auditor that the event missing where two lines were swapped was deleted or moved', async () => {
    const swapped = [...lines];
    [swapped[149], swapped[150]] = [swapped[150] ?? '', swapped[149] ?? ''];
    const run = await runVerifier([
      writeExport('swapped-words.ndjson', swapped),
      '--public-key',
      publicKeyFile,
      '--checkpoints',
      checkpointsFile,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('NOT INTACT: first bad seq 150');
    expect(run.stdout).toContain(
      'event 150 is missing: event 151 comes in its place, so event 150 was deleted, or moved elsewhere in the log',
    );
  });

  it('reports a file cut after a whole line at the first seq missing from the end', async () => {
    const { code, verdict } = await verifyWithCheckpoints(
      writeExport('truncated.ndjson', lines.slice(0, 295)),
    );
    expect(code).toBe(1);
    expect(verdict).toMatchObject({ ok: false, firstBadSeq: 296, checked: 295 });
    expect(verdict.reason).toContain('checkpoint was signed at seq 300');
  });

  it('reports a file cut in the middle of a line at that line', async () => {
    const whole = lines.map((line) => `${line}\n`).join('');
    const cut = whole.slice(0, whole.length - Math.floor((lines.at(-1)?.length ?? 0) / 2));
    const { code, verdict } = await verifyWithCheckpoints(write('cut.ndjson', cut));
    expect(code).toBe(1);
    expect(verdict).toMatchObject({ ok: false, firstBadSeq: 305, checked: 304 });
    expect(verdict.reason).toMatch(/^line 305 is not valid JSON/);
  });

  it('catches an edit whose chain was recomputed, through the signed checkpoints', async () => {
    const rewritten = structuredClone(events);
    const target = rewritten[122];
    if (target === undefined) throw new Error('no event 123');
    target.payload = { decision: 'approved', rewritten: true };
    rechain(rewritten, 122);
    const file = writeExport(
      'rechained.ndjson',
      rewritten.map((event) => JSON.stringify(event)),
    );
    const { code, verdict } = await verifyWithCheckpoints(file);
    expect(code).toBe(1);
    // Everything up to the checkpoint at 100 still agrees; the chain was rewritten after it.
    expect(verdict).toMatchObject({ ok: false, firstBadSeq: 101 });
    // Without checkpoints, a recomputed chain holds together: the verdict says what it cannot see.
    const alone = await verifyJson(file);
    expect(alone.code).toBe(0);
    expect(alone.verdict.warnings.join(' ')).toContain('no checkpoints given');
  });

  it('refuses checkpoints signed by a key other than those given', async () => {
    const otherKey = crypto.generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' });
    const run = await runVerifier([
      path.join(folder, 'export.ndjson'),
      '--public-key',
      write('other.pub.pem', otherKey.toString()),
      '--checkpoints',
      checkpointsFile,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('NOT INTACT: first bad seq 1');
    expect(run.stdout).toContain('the checkpoint at seq 50 names a signing key this log does not know');
  });

  it('warns about the events that no checkpoint covers yet', async () => {
    const { code, verdict } = await verifyJson(path.join(folder, 'export.ndjson'), [
      '--checkpoints',
      olderCheckpointsFile,
    ]);
    expect(code).toBe(0);
    expect(verdict).toMatchObject({
      ok: true,
      checkpointsChecked: 6,
      unanchored: { fromSeq: 301, toSeq: 305 },
    });
    expect(verdict.warnings.join(' ')).toContain('events 301 to 305 come after the last signed checkpoint');
  });

  it('checks an export of part of the log with --range, and tampering inside it', async () => {
    const week = lines.slice(100, 200);
    const bounds = ['--range', '--from-seq', '101', '--to-seq', '200'];
    const intact = await verifyWithCheckpoints(writeExport('range.ndjson', week), bounds);
    expect(intact.code).toBe(0);
    // The checkpoints at 100 (just before the range), 150 and 200; those after it are not about it.
    expect(intact.verdict).toMatchObject({ ok: true, checked: 100, checkpointsChecked: 3, warnings: [] });
    // Where it ends unsaid, the checkpoints given after its last event say it was cut off.
    const unbounded = await verifyWithCheckpoints(path.join(folder, 'range.ndjson'), ['--range']);
    expect(unbounded).toMatchObject({ code: 1, verdict: { ok: false, firstBadSeq: 201 } });
    expect(unbounded.verdict.warnings.join(' ')).toContain('no --to-seq given');

    const withoutRange = await verifyWithCheckpoints(path.join(folder, 'range.ndjson'));
    expect(withoutRange.verdict).toMatchObject({ ok: false, firstBadSeq: 1 });
    expect(withoutRange.verdict.warnings.join(' ')).toContain('add --range');

    const edited = [...week];
    edited[30] = (edited[30] ?? '').replace('"seq":131', '"seq":1310');
    const tampered = await verifyWithCheckpoints(writeExport('range-edited.ndjson', edited), bounds);
    expect(tampered.code).toBe(1);
    expect(tampered.verdict).toMatchObject({ ok: false, firstBadSeq: 131 });
  });

  it('answers exit code 2 when it cannot check at all', async () => {
    const missing = await runVerifier([path.join(folder, 'nope.ndjson'), '--public-key', publicKeyFile]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.ndjson does not exist');
    const noKey = await runVerifier([path.join(folder, 'export.ndjson')]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('--public-key');
    const badSeq = await runVerifier([
      path.join(folder, 'export.ndjson'),
      '--public-key',
      publicKeyFile,
      '--to-seq',
      'end',
    ]);
    expect(badSeq.code).toBe(2);
    expect(badSeq.stderr).toContain('--to-seq');
  });
});
