import type { Knex } from 'knex';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { computeEventHash, type RecordedDecisionEvent } from '../../src/decision-log/decision-event.ts';
import { toEventRow } from '../../src/decision-log/stored-decision-event.ts';
import {
  anEvent,
  appendMany,
  type DecisionLogFixture,
  startDecisionLog,
} from './support/decision-log-fixture.ts';
import { aForgedEventAfter, dropAppendOnlyGuards, rehashAsHead } from './support/tampering.ts';

const TARGET_SEQ = 438;

/**
 * Someone with the database owner's rights drops the append-only triggers and edits the tables
 * directly; the stored log must then fail verification at the right seq.
 */
describe('verifying a 1,000-event log tampered with in the database', () => {
  let fixture: DecisionLogFixture;
  let db: Knex;
  let original: Snapshot;

  beforeAll(async () => {
    fixture = await startDecisionLog({ checkpointEvery: 100 });
    db = fixture.db;
    await appendMany(fixture, 1000);
    await dropAppendOnlyGuards(db);
    original = await takeSnapshot(db);
  });
  afterEach(async () => {
    await restoreSnapshot(db, original);
  });
  afterAll(async () => {
    await fixture.close();
  });

  const verify = () => fixture.decisionLog.verifyRange();
  const readEvent = async (seq: number): Promise<RecordedDecisionEvent> => {
    for await (const event of fixture.decisionLog.streamEvents({ fromSeq: seq, toSeq: seq })) return event;
    throw new Error(`no event ${seq}`);
  };

  it('verifies the untouched log', async () => {
    expect(await verify()).toMatchObject({
      ok: true,
      checked: 1000,
      checkpointsChecked: 10,
      firstBadSeq: null,
    });
  });

  it('detects an event edited in place', async () => {
    await db('decision_events').where({ seq: TARGET_SEQ }).update({ payload: '{"decision":"rejected"}' });
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: TARGET_SEQ });
  });

  it('detects a payload that is no longer JSON, without stopping', async () => {
    await db('decision_events').where({ seq: TARGET_SEQ }).update({ payload: '{"decision":' });
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: TARGET_SEQ });
  });

  it('detects a payload re-formatted without changing its meaning', async () => {
    const row = await db('decision_events').where({ seq: TARGET_SEQ }).first('payload');
    const reformatted = JSON.stringify(JSON.parse(String(row.payload)), null, 1);
    await db('decision_events').where({ seq: TARGET_SEQ }).update({ payload: reformatted });
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: TARGET_SEQ });
  });

  it('refuses a re-hashed event after the last checkpoint whose payload is not canonical JSON', async () => {
    await fixture.decisionLog.withTransaction(async (trx) => {
      for (let index = 0; index < 3; index += 1) await fixture.decisionLog.append(trx, anEvent());
    });
    // No checkpoint covers events 1001 to 1003: a rewrite in canonical form goes unseen there…
    await db('decision_events').where({ seq: 1003 }).update({ payload: '{"decision":"rejected"}' });
    await rehashAsHead(db, 1003);
    expect(await verify()).toMatchObject({ ok: true, checked: 1003 });

    // …but a payload that parsing and re-serialising would have changed does not pass.
    await db('decision_events').where({ seq: 1003 }).update({ payload: '{"decision": "rejected"}' });
    await rehashAsHead(db, 1003);
    expect(await verify()).toMatchObject({
      ok: false,
      firstBadSeq: 1003,
      reason: expect.stringContaining('not canonical JSON'),
    });
  });

  it('detects an event rewritten with its own hash recomputed, at the next event, which no longer points to it', async () => {
    const event = await readEvent(TARGET_SEQ);
    const rewritten = { ...event, payload: { decision: 'rejected' } };
    rewritten.hash = computeEventHash(rewritten);
    await db('decision_events').where({ seq: TARGET_SEQ }).update(toRow(rewritten));
    expect(await verify()).toMatchObject({
      ok: false,
      firstBadSeq: TARGET_SEQ + 1,
      reason: expect.stringContaining(`event ${TARGET_SEQ} was rewritten and its hash recomputed`),
    });
  });

  it('detects a deleted event', async () => {
    await db('decision_events').where({ seq: TARGET_SEQ }).delete();
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: TARGET_SEQ });
  });

  it('detects two events whose contents were swapped', async () => {
    const first = await db('decision_events').where({ seq: TARGET_SEQ }).first();
    const second = await db('decision_events')
      .where({ seq: TARGET_SEQ + 1 })
      .first();
    await db('decision_events')
      .whereIn('seq', [TARGET_SEQ, TARGET_SEQ + 1])
      .delete();
    await db('decision_events').insert([
      { ...second, seq: TARGET_SEQ },
      { ...first, seq: TARGET_SEQ + 1 },
    ]);
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: TARGET_SEQ });
  });

  it('names a deletion or a move, not a rewrite of the intact event before, when an event is deleted and the rest renumbered', async () => {
    await db('decision_events').where({ seq: TARGET_SEQ }).delete();
    await db.raw('update decision_events set seq = seq + 100000 where seq > ?', [TARGET_SEQ]);
    await db.raw('update decision_events set seq = seq - 100000 - 1 where seq > 100000');
    const verification = await verify();
    expect(verification).toMatchObject({ ok: false, firstBadSeq: TARGET_SEQ });
    expect(verification.reason).toContain('deleted, inserted or moved');
    expect(verification.reason).not.toContain(`event ${TARGET_SEQ - 1} was rewritten`);
  });

  it('names a move, not a rewrite of the intact event before, when two events are swapped by their seqs', async () => {
    await db.raw('update decision_events set seq = 100000 where seq = ?', [TARGET_SEQ]);
    await db.raw('update decision_events set seq = ? where seq = ?', [TARGET_SEQ, TARGET_SEQ + 1]);
    await db.raw('update decision_events set seq = ? where seq = 100000', [TARGET_SEQ + 1]);
    const verification = await verify();
    expect(verification).toMatchObject({ ok: false, firstBadSeq: TARGET_SEQ });
    expect(verification.reason).toContain('deleted, inserted or moved');
    expect(verification.reason).not.toContain(`event ${TARGET_SEQ - 1} was rewritten`);
  });

  it('detects an event inserted and the following ones renumbered', async () => {
    const previous = await readEvent(TARGET_SEQ - 1);
    const forged = aForgedEventAfter(previous);
    await db.raw('update decision_events set seq = seq + 100000 where seq >= ?', [TARGET_SEQ]);
    await db.raw('update decision_events set seq = seq - 100000 + 1 where seq >= 100000');
    await db('decision_events').insert(toRow(forged));
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: TARGET_SEQ });
  });

  it('detects a cut-off tail against the head, and against the last checkpoint when the head was moved back too', async () => {
    await db('decision_events').where('seq', '>', 995).delete();
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 996 });

    const last = await readEvent(995);
    await db('decision_log_head').update({ seq: 995, hash: last.hash });
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 996 });
  });

  it('detects the deletion of the last event of a range verified up to it', async () => {
    await db('decision_events').where({ seq: TARGET_SEQ }).delete();
    expect(await fixture.decisionLog.verifyRange(401, TARGET_SEQ)).toMatchObject({
      ok: false,
      firstBadSeq: TARGET_SEQ,
    });
  });

  it('detects events stored beyond the head', async () => {
    const head = await readEvent(1000);
    await db('decision_events').insert(toRow(aForgedEventAfter(head)));
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 1001 });
  });

  it('detects a rewrite with recomputed hashes and a moved head, after the last checkpoint that agrees', async () => {
    let previousHash = (await readEvent(TARGET_SEQ - 1)).hash;
    for (let seq = TARGET_SEQ; seq <= 1000; seq += 1) {
      const event = await readEvent(seq);
      const payload = seq === TARGET_SEQ ? { decision: 'rejected' } : event.payload;
      const rewritten = { ...event, payload, prevHash: previousHash };
      rewritten.hash = computeEventHash(rewritten);
      await db('decision_events').where({ seq }).update(toRow(rewritten));
      previousHash = rewritten.hash;
    }
    await db('decision_log_head').update({ hash: previousHash });
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 401 });
  });

  it('detects an altered checkpoint', async () => {
    await db('decision_checkpoints').where({ seq: 700 }).update({ signed_at: '2020-01-01T00:00:00.000Z' });
    expect(await verify()).toMatchObject({
      ok: false,
      firstBadSeq: 601,
      reason: expect.stringContaining('signature'),
    });
  });

  it('verifies a range that ends before the tampering, and not one that covers it', async () => {
    await db('decision_events').where({ seq: TARGET_SEQ }).update({ type: 'item.added' });
    expect(await fixture.decisionLog.verifyRange(1, TARGET_SEQ - 1)).toMatchObject({ ok: true });
    expect(await fixture.decisionLog.verifyRange(401, 500)).toMatchObject({
      ok: false,
      firstBadSeq: TARGET_SEQ,
    });
  });
});

interface Snapshot {
  events: Array<Record<string, unknown>>;
  checkpoints: Array<Record<string, unknown>>;
  head: Record<string, unknown>;
}

async function takeSnapshot(db: Knex): Promise<Snapshot> {
  return {
    events: await db('decision_events').select(),
    checkpoints: await db('decision_checkpoints').select(),
    head: await db('decision_log_head').first(),
  };
}

async function restoreSnapshot(db: Knex, snapshot: Snapshot): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('decision_events').delete();
    await trx('decision_checkpoints').delete();
    await trx.batchInsert('decision_events', snapshot.events, 200);
    await trx.batchInsert('decision_checkpoints', snapshot.checkpoints, 200);
    await trx('decision_log_head').update(snapshot.head);
  });
}

/** The row of an event forged outside the log, its payload written by JSON.stringify. */
function toRow(event: RecordedDecisionEvent): Record<string, unknown> {
  return toEventRow(event, JSON.stringify(event.payload));
}
