import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as keyEventsBySeq from '../../migrations/20261129190000_key_decision_events_by_seq.ts';
import { TEST_ENGINE } from '../support/test-database.ts';
import { appendMany, type DecisionLogFixture, startDecisionLog } from './support/decision-log-fixture.ts';

/** The SQLite table rebuild that makes `seq` the events' own key, run on a log that holds events. */
describe.skipIf(TEST_ENGINE !== 'sqlite')('keying the decision events by seq (SQLite)', () => {
  let log: DecisionLogFixture;

  beforeAll(async () => {
    log = await startDecisionLog({ checkpointEvery: 7 });
    await appendMany(log, 30);
  });
  afterAll(async () => {
    await log.close();
  });

  const rows = () => log.db('decision_events').select().orderBy('seq');
  const planOfSeqRange = async () => {
    const steps: Array<{ detail: string }> = await log.db.raw(
      'explain query plan select hash from decision_events where seq > ? and seq <= ? order by seq',
      [5, 20],
    );
    return steps.map((step) => step.detail).join('; ');
  };

  it('reads a range of seqs straight from the table', async () => {
    expect(await planOfSeqRange()).toMatch(/USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/);
  });

  it('keeps every event, the chain and the append-only triggers when undone and redone', async () => {
    const before = await rows();

    await log.db.transaction((trx) => keyEventsBySeq.down(trx));
    expect(await planOfSeqRange()).not.toMatch(/INTEGER PRIMARY KEY/);
    expect(await rows()).toEqual(before);

    await log.db.transaction((trx) => keyEventsBySeq.up(trx));
    expect(await planOfSeqRange()).toMatch(/INTEGER PRIMARY KEY/);
    expect(await rows()).toEqual(before);
    expect(await log.decisionLog.verifyRange()).toMatchObject({ ok: true, checked: 30 });
    await expect(log.db.raw('update decision_events set type = ? where seq = 3', ['x'])).rejects.toThrow(
      /append-only/,
    );
    await expect(log.db.raw('delete from decision_events where seq = 3')).rejects.toThrow(/append-only/);
    expect(await rows()).toEqual(before);
  });
});
