import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyCheckpointSignature } from '../../src/decision-log/checkpoint-signer.ts';
import { computeEventHash, GENESIS_HASH } from '../../src/decision-log/decision-event.ts';
import { anEvent, type DecisionLogFixture, startDecisionLog } from './support/decision-log-fixture.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('the decision log', () => {
  let log: DecisionLogFixture;
  let clock = new Date('2026-11-30T09:00:00.000Z');

  beforeAll(async () => {
    log = await startDecisionLog({ checkpointEvery: 5, now: () => clock });
  });
  afterAll(async () => {
    await log.close();
  });
  beforeEach(() => {
    clock = new Date(clock.getTime() + 1000);
  });

  it('starts empty, at the genesis hash', async () => {
    expect(await log.decisionLog.readHead()).toEqual({ seq: 0, hash: GENESIS_HASH });
    expect(await log.decisionLog.createCheckpoint()).toBeUndefined();
    expect(await log.decisionLog.verifyRange()).toMatchObject({ ok: true, checked: 0 });
  });

  it('records an event with seq 1, a fresh id, the clock time, pseudonyms and a hash chained to genesis', async () => {
    const event = await log.decisionLog.withTransaction((trx) => log.decisionLog.append(trx, anEvent()));

    expect(event).toMatchObject({
      seq: 1,
      type: 'item.decided',
      occurredAt: clock.toISOString(),
      actor: { role: 'counselor', pseudonym: log.pseudonymiser.pseudonymise('c-001') },
      subject: log.pseudonymiser.pseudonymise('js-001'),
      payload: { setId: 'set-1', itemId: 'item-1', decision: 'approved', secondsSinceOpened: 42.5 },
      personal: null,
      prevHash: GENESIS_HASH,
    });
    expect(event.eventId).toMatch(UUID);
    expect(event.hash).toBe(computeEventHash(event));
    expect(await log.decisionLog.readHead()).toEqual({ seq: 1, hash: event.hash });
    expect(await log.decisionLog.listEvents()).toEqual([event]);
  });

  it('never stores the ids of the actor or the job seeker', async () => {
    await log.decisionLog.withTransaction((trx) =>
      log.decisionLog.append(
        trx,
        anEvent({ actor: { role: 'counselor', id: 'counselor-secret-id' }, subjectId: 'seeker-secret-id' }),
      ),
    );
    const rows = JSON.stringify(await log.db('decision_events').select());
    expect(rows).not.toContain('counselor-secret-id');
    expect(rows).not.toContain('seeker-secret-id');
  });

  it('keeps the name of a system actor readable', async () => {
    const event = await log.decisionLog.withTransaction((trx) =>
      log.decisionLog.append(
        trx,
        anEvent({
          type: 'recommendation.expired',
          actor: { role: 'system', id: 'expiry-job' },
          payload: { setId: 's' },
        }),
      ),
    );
    expect(event.actor).toEqual({ role: 'system', pseudonym: 'expiry-job' });
  });

  it('chains each event to the one before it', async () => {
    const head = await log.decisionLog.readHead();
    const event = await log.decisionLog.withTransaction((trx) => log.decisionLog.append(trx, anEvent()));
    expect(event.seq).toBe(head.seq + 1);
    expect(event.prevHash).toBe(head.hash);
  });

  it('chains several events appended in one transaction, and the head ends at the last', async () => {
    const head = await log.decisionLog.readHead();
    const [first, second, third] = await log.decisionLog.withTransaction(async (trx) => [
      await log.decisionLog.append(trx, anEvent()),
      await log.decisionLog.append(trx, anEvent()),
      await log.decisionLog.append(trx, anEvent()),
    ]);
    expect([first?.seq, second?.seq, third?.seq]).toEqual([head.seq + 1, head.seq + 2, head.seq + 3]);
    expect(first?.prevHash).toBe(head.hash);
    expect(second?.prevHash).toBe(first?.hash);
    expect(third?.prevHash).toBe(second?.hash);
    expect(await log.decisionLog.readHead()).toEqual({ seq: head.seq + 3, hash: third?.hash });
    expect(await log.decisionLog.verifyRange()).toMatchObject({ ok: true, checked: head.seq + 3 });
  });

  it("never records an event earlier than the log's last one when the clock is set back, and follows the clock again once it is ahead", async () => {
    const last = await log.decisionLog.withTransaction((trx) => log.decisionLog.append(trx, anEvent()));
    clock = new Date(clock.getTime() - 10_000);
    const [first, second] = await log.decisionLog.withTransaction(async (trx) => [
      await log.decisionLog.append(trx, anEvent()),
      await log.decisionLog.append(trx, anEvent()),
    ]);
    expect([first?.occurredAt, second?.occurredAt]).toEqual([last.occurredAt, last.occurredAt]);
    clock = new Date(clock.getTime() + 20_000);
    const later = await log.decisionLog.withTransaction((trx) => log.decisionLog.append(trx, anEvent()));
    expect(later.occurredAt).toBe(clock.toISOString());
    expect(await log.decisionLog.verifyRange()).toMatchObject({ ok: true });
  });

  it('records an event at the instant of the change it was given, never earlier than the event before', async () => {
    const last = await log.decisionLog.withTransaction((trx) => log.decisionLog.append(trx, anEvent()));
    const changedAt = new Date(clock.getTime() + 5);
    clock = new Date(clock.getTime() + 9);
    const [given, before] = await log.decisionLog.withTransaction(async (trx) => [
      await log.decisionLog.append(trx, anEvent({ at: changedAt })),
      await log.decisionLog.append(trx, anEvent({ at: new Date(Date.parse(last.occurredAt) - 10_000) })),
    ]);
    expect(given?.occurredAt).toBe(changedAt.toISOString());
    expect(before?.occurredAt).toBe(changedAt.toISOString());
    expect(await log.decisionLog.verifyRange()).toMatchObject({ ok: true });
  });

  it("never records an event earlier than one a transaction it waited for appended (another process's clock ahead)", async () => {
    let appendedAhead: Promise<string> | undefined;
    const ahead = await log.decisionLog.withTransaction(async (trx) => {
      const event = await log.decisionLog.append(trx, anEvent());
      // This process's clock is now ten seconds behind the event just appended; its append waits for the lock.
      clock = new Date(clock.getTime() - 10_000);
      appendedAhead = log.decisionLog
        .withTransaction((other) => log.decisionLog.append(other, anEvent()))
        .then((later) => later.occurredAt);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return event;
    });
    expect(await appendedAhead).toBe(ahead.occurredAt);
    clock = new Date(clock.getTime() + 20_000);
  });

  it('appends in a transaction the caller opened on the database itself', async () => {
    const head = await log.decisionLog.readHead();
    const event = await log.db.transaction((trx) => log.decisionLog.append(trx, anEvent()));
    expect(event).toMatchObject({ seq: head.seq + 1, prevHash: head.hash });
    expect(await log.decisionLog.readHead()).toEqual({ seq: event.seq, hash: event.hash });
  });

  it('keeps no trace of an event whose transaction rolls back, and leaves no gap', async () => {
    const before = await log.decisionLog.readHead();
    await expect(
      log.decisionLog.withTransaction(async (trx) => {
        await log.decisionLog.append(trx, anEvent());
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(await log.decisionLog.readHead()).toEqual(before);

    const next = await log.decisionLog.withTransaction((trx) => log.decisionLog.append(trx, anEvent()));
    expect(next.seq).toBe(before.seq + 1);
    expect(next.prevHash).toBe(before.hash);
  });

  it('refuses a payload that JSON cannot hold, and appends nothing', async () => {
    const before = await log.decisionLog.readHead();
    await expect(
      log.decisionLog.withTransaction((trx) =>
        log.decisionLog.append(trx, anEvent({ payload: { score: Number.NaN } })),
      ),
    ).rejects.toThrow(/NaN/);
    await expect(
      log.decisionLog.withTransaction((trx) =>
        log.decisionLog.append(trx, anEvent({ subjectId: null, personal: { comment: 'x' } })),
      ),
    ).rejects.toThrow(/needs the job seeker/);
    expect(await log.decisionLog.readHead()).toEqual(before);
  });

  it('is not changed by the caller changing the payload object after the append', async () => {
    const payload: Record<string, unknown> = { decision: 'approved' };
    const event = await log.decisionLog.withTransaction((trx) =>
      log.decisionLog.append(trx, anEvent({ payload })),
    );
    payload.decision = 'rejected';
    expect(event.payload).toEqual({ decision: 'approved' });
    expect(event.hash).toBe(computeEventHash(event));
  });

  it('signs a checkpoint in the append transaction of every N-th event, and none for a rolled-back one', async () => {
    const head = await log.decisionLog.readHead();
    const toNextMultiple = 5 - (head.seq % 5);
    await log.decisionLog.withTransaction(async (trx) => {
      for (let index = 0; index < toNextMultiple; index += 1) await log.decisionLog.append(trx, anEvent());
    });
    const checkpointSeq = head.seq + toNextMultiple;
    const checkpoints = await log.decisionLog.listCheckpoints();
    const latest = checkpoints.at(-1);
    expect(latest?.seq).toBe(checkpointSeq);
    expect(latest?.hash).toBe((await log.decisionLog.readHead()).hash);
    expect(checkpoints.map((checkpoint) => checkpoint.seq % 5)).toEqual(checkpoints.map(() => 0));
    expect(latest && verifyCheckpointSignature(latest, log.decisionLog.exportPublicKeyPem())).toBe(true);

    await expect(
      log.decisionLog.withTransaction(async (trx) => {
        for (let index = 0; index < 5; index += 1) await log.decisionLog.append(trx, anEvent());
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await log.decisionLog.listCheckpoints()).at(-1)?.seq).toBe(checkpointSeq);
  });

  it('signs a checkpoint of the head on demand, once per head', async () => {
    await log.decisionLog.withTransaction((trx) => log.decisionLog.append(trx, anEvent()));
    const head = await log.decisionLog.readHead();
    const checkpoint = await log.decisionLog.createCheckpoint();
    expect(checkpoint).toMatchObject({ seq: head.seq, hash: head.hash, signedAt: clock.toISOString() });
    expect(await log.decisionLog.createCheckpoint()).toEqual(checkpoint);
    expect((await log.decisionLog.listCheckpoints()).filter((c) => c.seq === head.seq)).toHaveLength(1);
  });

  it('pages through events by cursor and filters them by type and subject', async () => {
    await log.decisionLog.withTransaction(async (trx) => {
      await log.decisionLog.append(
        trx,
        anEvent({ type: 'feedback.given', subjectId: 'js-filter', payload: { a: 1 } }),
      );
      await log.decisionLog.append(
        trx,
        anEvent({ type: 'objection.recorded', subjectId: 'js-filter', payload: {} }),
      );
      await log.decisionLog.append(
        trx,
        anEvent({ type: 'feedback.given', subjectId: 'js-other', payload: { a: 2 } }),
      );
    });
    const all = await log.decisionLog.listEvents({ limit: 1000 });
    expect(all.map((event) => event.seq)).toEqual(all.map((_, index) => index + 1));

    const page = await log.decisionLog.listEvents({ afterSeq: 3, limit: 2 });
    expect(page.map((event) => event.seq)).toEqual([4, 5]);

    const feedback = await log.decisionLog.listEvents({ types: ['feedback.given'] });
    expect(feedback.map((event) => event.payload)).toEqual([{ a: 1 }, { a: 2 }]);

    const subject = log.pseudonymiser.pseudonymise('js-filter');
    const about = await log.decisionLog.listEvents({
      subject,
      types: ['feedback.given', 'objection.recorded'],
    });
    expect(about.map((event) => event.type)).toEqual(['feedback.given', 'objection.recorded']);
  });

  it('streams every event as recorded, and the whole log verifies', async () => {
    const streamed = [];
    for await (const event of log.decisionLog.streamEvents()) streamed.push(event);
    expect(streamed).toEqual(await log.decisionLog.listEvents({ limit: 1000 }));

    const head = await log.decisionLog.readHead();
    const result = await log.decisionLog.verifyRange();
    expect(result).toMatchObject({
      ok: true,
      checked: head.seq,
      firstBadSeq: null,
      lastSeq: head.seq,
      lastHash: head.hash,
    });
    expect(result.checkpointsChecked).toBe((await log.decisionLog.listCheckpoints()).length);
  });

  it('verifies a part of the log from the hash of the event before it', async () => {
    const result = await log.decisionLog.verifyRange(3, 6);
    expect(result).toMatchObject({ ok: true, checked: 4, lastSeq: 6 });
    await expect(log.decisionLog.verifyRange(0)).rejects.toThrow(/fromSeq/);
    await expect(log.decisionLog.verifyRange(5, 2)).rejects.toThrow(/toSeq/);
  });
});

describe('the latest event about a job seeker among some types (what outlives a profile)', () => {
  let log: DecisionLogFixture;

  beforeAll(async () => {
    log = await startDecisionLog({ checkpointEvery: 0 });
  });
  afterAll(async () => {
    await log.close();
  });

  const latestAbout = async (seekerId: string) => {
    const latest = await log.decisionLog.withTransaction((trx) =>
      log.decisionLog.findLatestEventAbout(seekerId, ['objection.recorded', 'subject.erased'], trx),
    );
    return latest?.type;
  };
  const append = (type: 'objection.recorded' | 'subject.erased' | 'feedback.given', subjectId: string) =>
    log.decisionLog.withTransaction((trx) =>
      log.decisionLog.append(trx, anEvent({ type, subjectId, payload: {} })),
    );

  it('answers the type of the latest such event about the person, whatever came before or about others', async () => {
    expect(await latestAbout('js-a')).toBeUndefined();
    await append('objection.recorded', 'js-a');
    await append('feedback.given', 'js-a');
    expect(await latestAbout('js-a')).toBe('objection.recorded');
    await append('subject.erased', 'js-a');
    await append('objection.recorded', 'js-b');
    expect(await latestAbout('js-a')).toBe('subject.erased');
    await append('objection.recorded', 'js-a');
    expect(await latestAbout('js-a')).toBe('objection.recorded');
    expect(await latestAbout('js-b')).toBe('objection.recorded');
    expect(await latestAbout('js-c')).toBeUndefined();
  });

  it('answers the whole event, as recorded, also outside a transaction', async () => {
    const appended = await log.decisionLog.withTransaction((trx) =>
      log.decisionLog.append(
        trx,
        anEvent({ type: 'objection.recorded', subjectId: 'js-d', payload: { channel: 'letter' } }),
      ),
    );
    expect(await log.decisionLog.findLatestEventAbout('js-d', ['objection.recorded'])).toEqual(appended);
  });

  it('answers the latest such event logged before a given one, when asked', async () => {
    const first = await append('objection.recorded', 'js-e');
    await append('feedback.given', 'js-e');
    const erased = await append('subject.erased', 'js-e');
    await append('objection.recorded', 'js-e');
    const latestBefore = (beforeSeq: number) =>
      log.decisionLog.findLatestEventAbout('js-e', ['objection.recorded', 'subject.erased'], undefined, {
        beforeSeq,
      });
    expect((await latestBefore(erased.seq))?.seq).toBe(first.seq);
    expect(await latestBefore(first.seq)).toBeUndefined();
  });
});

describe('every event about a job seeker, read under the held head (what an access record reads)', () => {
  let log: DecisionLogFixture;

  beforeAll(async () => {
    log = await startDecisionLog({ checkpointEvery: 0 });
  });
  afterAll(async () => {
    await log.close();
  });

  const append = (subjectId: string | null, personal?: unknown) =>
    log.decisionLog.withTransaction((trx) =>
      log.decisionLog.append(trx, anEvent({ subjectId, ...(personal === undefined ? {} : { personal }) })),
    );

  it("lists every event about the person, oldest first, as recorded, and never another person's", async () => {
    const first = await append('js-listed', { comment: 'première' });
    await append('js-other');
    await append(null);
    const second = await append('js-listed');

    const outside = await log.decisionLog.listEventsAbout('js-listed');
    const inside = await log.decisionLog.withTransaction((trx) =>
      log.decisionLog.listEventsAbout('js-listed', trx),
    );

    expect(outside).toEqual([first, second]);
    expect(inside).toEqual(outside);
    expect(await log.decisionLog.listEventsAbout('js-unknown')).toEqual([]);
  });

  it('sees in its transaction the events appended there before they commit', async () => {
    const seen = await log.decisionLog.withTransaction(async (trx) => {
      await log.decisionLog.append(trx, anEvent({ subjectId: 'js-pending' }));
      return log.decisionLog.listEventsAbout('js-pending', trx);
    });
    expect(seen).toHaveLength(1);
  });

  it('holds the head from lockHead: another append waits for the holder to end, and follows the head it gave', async () => {
    let held = true;
    let other: Promise<{ seq: number; whileHeld: boolean }> | undefined;
    const { head, seen } = await log.decisionLog.withTransaction(async (trx) => {
      const locked = await log.decisionLog.lockHead(trx);
      other = append('js-racing').then((event) => ({ seq: event.seq, whileHeld: held }));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const events = await log.decisionLog.listEventsAbout('js-racing', trx);
      held = false;
      return { head: locked, seen: events };
    });
    expect(seen).toEqual([]);
    expect(await other).toEqual({ seq: head.seq + 1, whileHeld: false });
  });
});
