import { execFile } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/database.ts';
import { createDecisionLog } from '../../src/decision-log/create-decision-log.ts';
import type { KnexDecisionLog } from '../../src/decision-log/knex-decision-log.ts';
import { TEST_ENGINE } from '../support/test-database.ts';
import { anEvent, type DecisionLogFixture, startDecisionLog } from './support/decision-log-fixture.ts';

const run = promisify(execFile);
const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'append-worker.ts');

describe('concurrent appends', () => {
  let log: DecisionLogFixture;

  beforeEach(async () => {
    log = await startDecisionLog({ checkpointEvery: 7 });
  });
  afterEach(async () => {
    await log.close();
  });

  /** The chain has one event per seq from 1, no two events share a predecessor, and it verifies. */
  async function expectOneUnbrokenChain(expectedCount: number): Promise<void> {
    const events = await log.decisionLog.listEvents({ limit: 1000 });
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events).toHaveLength(expectedCount);
    expect(new Set(events.map((event) => event.prevHash)).size).toBe(events.length);
    expect(await log.decisionLog.verifyRange()).toMatchObject({
      ok: true,
      checked: expectedCount,
      checkpointsChecked: Math.floor(expectedCount / 7),
    });
  }

  /** Appends one event in a transaction that reads first and takes its time, as a service would. */
  async function appendSlowly(decisionLog: KnexDecisionLog, actor: string, rollBack = false) {
    try {
      return await decisionLog.withTransaction(async (trx) => {
        await trx('decision_events').count({ n: '*' });
        await sleep(Math.random() * 5);
        const event = await decisionLog.append(trx, anEvent({ actor: { role: 'counselor', id: actor } }));
        await sleep(Math.random() * 2);
        if (rollBack) throw new RolledBack();
        return event;
      });
    } catch (error) {
      if (error instanceof RolledBack) return undefined;
      throw error;
    }
  }

  it('never fork or leave a gap when many transactions of one process append at once, some rolling back', async () => {
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, index) => appendSlowly(log.decisionLog, `c-${index}`, index % 6 === 0)),
    );
    expect(results.filter((event) => event === undefined)).toHaveLength(10);
    await expectOneUnbrokenChain(50);
  });

  it('never fork when plain transactions append at once', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        log.db.transaction((trx) => log.decisionLog.append(trx, anEvent({ payload: { index } }))),
      ),
    );
    await expectOneUnbrokenChain(40);
  });

  it.runIf(TEST_ENGINE === 'postgres')(
    'never fork when two API processes on one PostgreSQL append at once',
    async () => {
      const config = loadConfig({
        NODE_ENV: 'test',
        DATA_DIR: log.database.dataDir,
        DATABASE_URL: log.database.databaseUrl ?? '',
        AUDIT_CHECKPOINT_EVERY: '7',
      });
      const otherDb = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        const other = (await createDecisionLog(otherDb, config)).decisionLog;
        await Promise.all(
          Array.from({ length: 80 }, (_, index) =>
            index % 2 === 0 ? appendSlowly(log.decisionLog, `a-${index}`) : appendSlowly(other, `b-${index}`),
          ),
        );
      } finally {
        await otherDb.destroy();
      }
      await expectOneUnbrokenChain(80);
    },
  );

  it('never fork or fail when separate OS processes append to the same database', async () => {
    const workers = ['w1', 'w2', 'w3'].map((name) =>
      run(
        process.execPath,
        ['--import', 'tsx', WORKER, log.database.dataDir, log.database.databaseUrl ?? '-', '15', name],
        { cwd: process.cwd(), timeout: 60_000 },
      ),
    );
    const outputs = await Promise.all(workers);
    const seqs = outputs.flatMap(({ stdout }) => JSON.parse(stdout) as number[]);
    expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: 45 }, (_, index) => index + 1));
    await expectOneUnbrokenChain(45);
  }, 60_000);
});

class RolledBack extends Error {}
