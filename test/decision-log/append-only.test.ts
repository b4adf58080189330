import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ENGINE } from '../support/test-database.ts';
import { anEvent, type DecisionLogFixture, startDecisionLog } from './support/decision-log-fixture.ts';

describe('the database keeps the decision log append-only', () => {
  let log: DecisionLogFixture;

  beforeAll(async () => {
    log = await startDecisionLog({ checkpointEvery: 2 });
    await log.decisionLog.withTransaction(async (trx) => {
      for (let index = 0; index < 3; index += 1) await log.decisionLog.append(trx, anEvent());
    });
  });
  afterAll(async () => {
    await log.close();
  });

  const rowsOf = (table: string) => log.db(table).select().orderBy('seq');

  it('refuses to update an event, even through raw SQL, and leaves it unchanged', async () => {
    const before = await rowsOf('decision_events');
    await expect(
      log.db.raw(`update decision_events set payload = '{"decision":"rejected"}' where seq = 2`),
    ).rejects.toThrow(/append-only/);
    await expect(log.db('decision_events').update({ type: 'item.added' })).rejects.toThrow(/append-only/);
    expect(await rowsOf('decision_events')).toEqual(before);
  });

  it('refuses to delete an event, one or all, and keeps them all', async () => {
    const before = await rowsOf('decision_events');
    await expect(log.db.raw('delete from decision_events where seq = 3')).rejects.toThrow(/append-only/);
    await expect(log.db.raw('delete from decision_events')).rejects.toThrow(/append-only/);
    expect(await rowsOf('decision_events')).toEqual(before);
  });

  it.runIf(TEST_ENGINE === 'postgres')('refuses to truncate the events', async () => {
    await expect(log.db.raw('truncate decision_events')).rejects.toThrow(/append-only/);
    expect(await rowsOf('decision_events')).toHaveLength(3);
  });

  it('refuses to change or delete a signed checkpoint', async () => {
    const before = await rowsOf('decision_checkpoints');
    expect(before).toHaveLength(1);
    await expect(log.db.raw(`update decision_checkpoints set hash = 'x'`)).rejects.toThrow(/append-only/);
    await expect(log.db.raw('delete from decision_checkpoints')).rejects.toThrow(/append-only/);
    expect(await rowsOf('decision_checkpoints')).toEqual(before);
  });

  it('refuses to move the head back, to delete it or to add a second one', async () => {
    const before = await log.decisionLog.readHead();
    await expect(log.db.raw('update decision_log_head set seq = 1')).rejects.toThrow(/cannot move back/);
    await expect(log.db.raw('delete from decision_log_head')).rejects.toThrow(/append-only/);
    await expect(log.db('decision_log_head').insert({ id: 2, seq: 0, hash: before.hash })).rejects.toThrow();
    expect(await log.decisionLog.readHead()).toEqual(before);
  });

  it('still appends after the refused changes, and the chain verifies', async () => {
    await log.decisionLog.withTransaction((trx) => log.decisionLog.append(trx, anEvent()));
    expect(await log.decisionLog.verifyRange()).toMatchObject({ ok: true, checked: 4 });
  });
});
