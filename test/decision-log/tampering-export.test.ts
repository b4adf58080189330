import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointSigner, type SigningKeys } from '../../src/decision-log/checkpoint-signer.ts';
import type { RecordedDecisionEvent } from '../../src/decision-log/decision-event.ts';
import { readSigningKeysPem } from '../../src/decision-log/signing-keys-pem.ts';
import { verifyChain } from '../../src/decision-log/verify-chain.ts';
import { appendMany, type DecisionLogFixture, startDecisionLog } from './support/decision-log-fixture.ts';
import { aForgedEventAfter, exportLog, type LogExport, rechain } from './support/tampering.ts';

/** The event every single-row edit targets: it has a subject, a payload and a personal part. */
const TARGET_SEQ = 438;
const TARGET = TARGET_SEQ - 1;

describe('verifying an exported 1,000-event log', () => {
  let fixture: DecisionLogFixture;
  let log: LogExport;
  let signingKeys: SigningKeys;

  beforeAll(async () => {
    fixture = await startDecisionLog({ checkpointEvery: 100 });
    await appendMany(fixture, 1000);
    log = await exportLog(fixture);
    signingKeys = readSigningKeysPem(fixture.decisionLog.exportPublicKeyPem());
  });
  afterAll(async () => {
    await fixture.close();
  });

  /** A copy to tamper with: the database itself refuses edits. */
  const copyOfEvents = (): RecordedDecisionEvent[] => structuredClone(log.events);
  const eventAt = (events: RecordedDecisionEvent[], index: number): RecordedDecisionEvent => {
    const event = events[index];
    if (event === undefined) throw new Error(`no event at index ${index}`);
    return event;
  };
  const verifyAgainstEverything = (events: Iterable<RecordedDecisionEvent>) =>
    verifyChain(events, { checkpoints: log.checkpoints, signingKeys, expectedHead: log.head });

  it('verifies when nothing was changed, with every checkpoint', async () => {
    expect(log.events).toHaveLength(1000);
    expect(eventAt(log.events, TARGET).personal).not.toBeNull();
    expect(await verifyAgainstEverything(log.events)).toEqual({
      ok: true,
      checked: 1000,
      checkpointsChecked: 10,
      firstBadSeq: null,
      reason: null,
      lastSeq: 1000,
      lastHash: log.head.hash,
    });
  });

  it('verifies after a round trip through JSON text, as in an NDJSON export', async () => {
    const lines = log.events.map((event) => JSON.stringify(event));
    const parsed = lines.map((line) => JSON.parse(line) as RecordedDecisionEvent);
    expect(await verifyAgainstEverything(parsed)).toMatchObject({ ok: true, checked: 1000 });
  });

  it('reads events from an async stream too', async () => {
    async function* stream() {
      yield* log.events;
    }
    async function* checkpoints() {
      yield* log.checkpoints;
    }
    expect(await verifyChain(stream(), { checkpoints: checkpoints(), signingKeys })).toMatchObject({
      ok: true,
      checked: 1000,
      checkpointsChecked: 10,
    });
  });

  const edits: Array<[string, (event: RecordedDecisionEvent) => RecordedDecisionEvent]> = [
    ['seq', (event) => ({ ...event, seq: 9999 })],
    ['eventId', (event) => ({ ...event, eventId: crypto.randomUUID() })],
    ['type', (event) => ({ ...event, type: 'item.added' })],
    ['occurredAt', (event) => ({ ...event, occurredAt: '2020-01-01T00:00:00.000Z' })],
    ['actor role', (event) => ({ ...event, actor: { ...event.actor, role: 'admin' } })],
    ['actor pseudonym', (event) => ({ ...event, actor: { ...event.actor, pseudonym: 'someone-else' } })],
    ['subject', (event) => ({ ...event, subject: null })],
    [
      'a value in the payload',
      (event) => ({ ...event, payload: { ...asRecord(event.payload), secondsSinceOpened: 4.25 } }),
    ],
    [
      'a payload member added',
      (event) => ({ ...event, payload: { ...asRecord(event.payload), override: true } }),
    ],
    ['the personal part', (event) => ({ ...event, personal: flipLastCharacter(event.personal ?? '') })],
    ['prevHash', (event) => ({ ...event, prevHash: '1'.repeat(64) })],
    ['hash', (event) => ({ ...event, hash: '2'.repeat(64) })],
  ];
  it.each(edits)('detects an edited %s at the edited event', async (_field, edit) => {
    const events = copyOfEvents();
    events[TARGET] = edit(eventAt(events, TARGET));
    const result = await verifyAgainstEverything(events);
    expect(result).toMatchObject({ ok: false, firstBadSeq: TARGET_SEQ, checked: TARGET_SEQ - 1 });
    expect(result.reason).toEqual(expect.any(String));
  });

  it('detects a deleted event at its seq', async () => {
    const events = copyOfEvents();
    events.splice(TARGET, 1);
    expect(await verifyAgainstEverything(events)).toMatchObject({ ok: false, firstBadSeq: TARGET_SEQ });
  });

  it('detects an inserted event, even one chained correctly to the event before it', async () => {
    const events = copyOfEvents();
    events.splice(TARGET, 0, aForgedEventAfter(eventAt(events, TARGET - 1)));
    expect(await verifyAgainstEverything(events)).toMatchObject({ ok: false, firstBadSeq: TARGET_SEQ });
  });

  it('detects two events swapped, at the first of them', async () => {
    const events = copyOfEvents();
    const [first, second] = events.splice(TARGET, 2);
    if (first === undefined || second === undefined) throw new Error('nothing to swap');
    events.splice(TARGET, 0, second, first);
    expect(await verifyAgainstEverything(events)).toMatchObject({ ok: false, firstBadSeq: TARGET_SEQ });
  });

  it('detects a cut-off tail against the head, or against the last checkpoint', async () => {
    const events = copyOfEvents().slice(0, 995);
    expect(await verifyAgainstEverything(events)).toMatchObject({ ok: false, firstBadSeq: 996 });
    expect(await verifyChain(events, { expectedHead: log.head })).toMatchObject({
      ok: false,
      firstBadSeq: 996,
    });
    expect(await verifyChain(events, { checkpoints: log.checkpoints })).toMatchObject({
      ok: false,
      firstBadSeq: 996,
    });
    // On its own, a prefix of a chain is a valid chain: the head or a checkpoint is what shows the cut.
    expect(await verifyChain(events)).toMatchObject({ ok: true, checked: 995 });
  });

  it('detects a rewrite whose hashes were all recomputed, after the last checkpoint that still agrees', async () => {
    const rewritten = copyOfEvents();
    asRecord(eventAt(rewritten, TARGET).payload).decision = 'rejected';
    rechain(rewritten, TARGET);
    expect(await verifyChain(rewritten)).toMatchObject({ ok: true });
    expect(await verifyAgainstEverything(rewritten)).toMatchObject({ ok: false, firstBadSeq: 401 });
    // Without any checkpoint only the head disagrees, and nothing can be trusted.
    expect(await verifyChain(rewritten, { expectedHead: log.head })).toMatchObject({
      ok: false,
      firstBadSeq: 1,
    });

    const inserted = copyOfEvents();
    inserted.splice(TARGET, 0, aForgedEventAfter(eventAt(inserted, TARGET - 1)));
    rechain(inserted, TARGET);
    expect(await verifyAgainstEverything(inserted)).toMatchObject({ ok: false, firstBadSeq: 401 });
  });

  it('refuses a checkpoint that was altered or signed with another key', async () => {
    const altered = log.checkpoints.map((checkpoint) =>
      checkpoint.seq === 300 ? { ...checkpoint, signedAt: '2020-01-01T00:00:00.000Z' } : checkpoint,
    );
    expect(await verifyChain(log.events, { checkpoints: altered, signingKeys })).toMatchObject({
      ok: false,
      firstBadSeq: 201,
      reason: expect.stringContaining('invalid signature'),
    });

    // An attacker who rewrote the chain and signs matching checkpoints with a key of their own.
    const rewritten = copyOfEvents();
    asRecord(eventAt(rewritten, TARGET).payload).decision = 'rejected';
    rechain(rewritten, TARGET);
    const forger = new CheckpointSigner(crypto.generateKeyPairSync('ed25519').privateKey);
    const forgedCheckpoints = log.checkpoints.map((checkpoint) =>
      forger.sign(checkpoint.seq, eventAt(rewritten, checkpoint.seq - 1).hash, checkpoint.signedAt),
    );
    expect(await verifyChain(rewritten, { checkpoints: forgedCheckpoints, signingKeys })).toMatchObject({
      ok: false,
      firstBadSeq: 1,
    });
  });

  it('says in words that an edited event was changed after it was written', async () => {
    const events = copyOfEvents();
    events[TARGET] = { ...eventAt(events, TARGET), occurredAt: '2020-01-01T00:00:00.000Z' };
    expect((await verifyAgainstEverything(events)).reason).toBe(
      `event ${TARGET_SEQ} does not match its hash: it was changed after it was written ` +
        '(its type, time, actor, subject, payload or sealed personal part)',
    );
  });

  it('names a missing event and the one found in its place, deleted or moved, rather than the seqs alone', async () => {
    const deleted = copyOfEvents();
    deleted.splice(TARGET, 1);
    expect((await verifyAgainstEverything(deleted)).reason).toBe(
      `event ${TARGET_SEQ} is missing: event ${TARGET_SEQ + 1} comes in its place, so event ${TARGET_SEQ} ` +
        'was deleted, or moved elsewhere in the log',
    );

    const threeDeleted = copyOfEvents();
    threeDeleted.splice(TARGET, 3);
    expect((await verifyAgainstEverything(threeDeleted)).reason).toBe(
      `event ${TARGET_SEQ} is missing: event ${TARGET_SEQ + 3} comes in its place, so events ${TARGET_SEQ} ` +
        `to ${TARGET_SEQ + 2} were deleted, or moved elsewhere in the log`,
    );

    const swapped = copyOfEvents();
    const [first, second] = swapped.splice(TARGET, 2);
    if (first === undefined || second === undefined) throw new Error('nothing to swap');
    swapped.splice(TARGET, 0, second, first);
    expect((await verifyAgainstEverything(swapped)).reason).toContain(
      `event ${TARGET_SEQ} is missing: event ${TARGET_SEQ + 1} comes in its place`,
    );
  });

  it('names an event given twice, and one that comes again out of its place', async () => {
    const repeated = copyOfEvents();
    repeated.splice(TARGET, 0, eventAt(repeated, TARGET - 1));
    expect(await verifyAgainstEverything(repeated)).toMatchObject({
      firstBadSeq: TARGET_SEQ - 1,
      reason: `event ${TARGET_SEQ - 1} appears twice: two events carry its seq, so at most one of them is genuine`,
    });

    const movedBack = copyOfEvents();
    movedBack.splice(TARGET, 0, eventAt(movedBack, TARGET - 5));
    expect(await verifyAgainstEverything(movedBack)).toMatchObject({
      firstBadSeq: TARGET_SEQ,
      reason: `event ${TARGET_SEQ - 5} comes again after event ${TARGET_SEQ - 1}: it was moved out of its place, or repeated`,
    });
  });

  it('names an event slipped in between two others by the events its neighbour points to and skips', async () => {
    const events = copyOfEvents();
    events.splice(TARGET, 0, aForgedEventAfter(eventAt(events, TARGET - 1)));
    // The events after it renumbered, so that no seq is missing or given twice.
    for (const event of events.slice(TARGET + 1)) event.seq += 1;
    expect(await verifyAgainstEverything(events)).toMatchObject({
      firstBadSeq: TARGET_SEQ,
      reason:
        `event ${TARGET_SEQ + 1} points to event ${TARGET_SEQ - 1}, not to event ${TARGET_SEQ}: ` +
        `event ${TARGET_SEQ} was slipped in, or event ${TARGET_SEQ + 1} was chained past it`,
    });
  });

  it('names the events a disagreeing checkpoint or head leaves untrusted, after the last checkpoint that agrees', async () => {
    const altered = log.checkpoints.map((checkpoint) =>
      checkpoint.seq === 300 ? { ...checkpoint, signedAt: '2020-01-01T00:00:00.000Z' } : checkpoint,
    );
    const result = await verifyChain(log.events, { checkpoints: altered, signingKeys });
    expect(result).toMatchObject({ ok: false, firstBadSeq: 201 });
    expect(result.reason).toBe(
      'the checkpoint at seq 300 has an invalid signature; events 201 to 300, after the last signed ' +
        'checkpoint that agrees (seq 200), chain correctly but cannot be trusted: they were rewritten ' +
        'with their hashes recomputed, or the checkpoint or head was altered',
    );

    const rewritten = copyOfEvents();
    asRecord(eventAt(rewritten, TARGET).payload).decision = 'rejected';
    rechain(rewritten, TARGET);
    expect((await verifyChain(rewritten, { expectedHead: log.head })).reason).toContain(
      'events 1 to 1000, with no signed checkpoint agreeing before them, chain correctly but cannot be trusted',
    );
  });

  it('verifies a slice of the export from the hash before it, checked by the checkpoints that cover it', async () => {
    const slice = log.events.slice(400, 600);
    const options = {
      fromSeq: 401,
      prevHash: eventAt(log.events, 399).hash,
      checkpoints: log.checkpoints.filter((checkpoint) => checkpoint.seq <= 600),
      signingKeys,
    };
    expect(await verifyChain(slice, options)).toMatchObject({
      ok: true,
      checked: 200,
      checkpointsChecked: 3,
    });
    expect(await verifyChain(slice, { ...options, prevHash: '3'.repeat(64) })).toMatchObject({
      ok: false,
      firstBadSeq: 401,
    });
    // A checkpoint past the end says that events are missing there.
    expect(await verifyChain(slice, { ...options, checkpoints: log.checkpoints })).toMatchObject({
      ok: false,
      firstBadSeq: 601,
    });
  });
});

function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw new Error('expected an object payload');
  return value as Record<string, unknown>;
}

function flipLastCharacter(text: string): string {
  return `${text.slice(0, -1)}${text.endsWith('A') ? 'B' : 'A'}`;
}
