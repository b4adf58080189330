import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/database.ts';
import { createDecisionLog } from '../../src/decision-log/create-decision-log.ts';
import { runScript, type ScriptRun } from '../support/run-script.ts';
import { createTestDatabase, TEST_ENGINE, type TestDatabase } from '../support/test-database.ts';

describe('npm run retention', () => {
  let database: TestDatabase;

  /** Runs `npm run retention` as npm would, against the test database. */
  function runRetentionCli(env: Record<string, string> = {}): Promise<ScriptRun> {
    return runScript('retention.ts', [], {
      unset: ['DATABASE_URL'],
      env: {
        NODE_ENV: 'test',
        DATA_DIR: database.dataDir,
        ...(database.databaseUrl === undefined ? {} : { DATABASE_URL: database.databaseUrl }),
        ...env,
      },
    });
  }

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('says in its --help everything a run purges, as the run reports it', async () => {
    const help = (await runScript('retention.ts', ['--help'])).stdout.replace(/\s+/g, ' ');
    for (const purged of [
      'recommendation sets',
      'feedback',
      'replies to contests',
      'outcomes',
      'skill codes naming a status or condition',
      'Idempotency-Key answers',
      'decision-log keys',
      'staff reads of files',
    ]) {
      expect(help, purged).toContain(purged);
    }
  });

  it('refuses a log period under six months before touching the database', async () => {
    const run = await runRetentionCli({ RETENTION_LOG_DAYS: '90' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('RETENTION_LOG_DAYS must be at least 184');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it.skipIf(TEST_ENGINE !== 'sqlite')(
    'refuses a SQLite DATA_DIR that does not exist, naming it, rather than purging a new empty database',
    async () => {
      const mistyped = path.join(database.dataDir, 'dta');
      const run = await runRetentionCli({ DATA_DIR: mistyped });
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(`retention: cannot start: DATA_DIR ${mistyped} does not exist`);
      expect(fs.existsSync(mistyped)).toBe(false);
    },
  );

  it('purges, prints what it did and records each run in the decision log', async () => {
    const first = await runRetentionCli();
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('retention run recorded as decision event 1');
    expect(first.stdout).toMatch(
      TEST_ENGINE === 'postgres'
        ? /\ndeleted rows cleared from the database files: vacuumed and analyzed job_seekers, /
        : /\ndeleted rows cleared from the database files: write-ahead log checkpointed and truncated/,
    );
    expect(first.stdout).toMatch(/Idempotency-Key answers stored before \S+: 0 purged/);
    expect(first.stdout).toMatch(/staff reads of files made before \S+: 0 purged/);
    expect(first.stdout).toMatch(
      /skill codes naming a status or condition, left in stored profiles: 0 removed/,
    );
    expect(first.stdout).toMatch(/recommendation sets whose review ended before \S+: 0 purged/);
    expect(first.stdout).toMatch(
      /job seekers with no activity since \S+: 0 profiles purged \(an objection to AI processing stays/,
    );
    const second = await runRetentionCli({ RETENTION_PERSONAL_DAYS: '30' });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('decision event 2');

    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: database.dataDir });
    const db = openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    try {
      const { decisionLog } = await createDecisionLog(db, config);
      const events = await decisionLog.listEvents();
      expect(events.map((event) => [event.type, event.payload.periods])).toEqual([
        ['retention.purged', { personalDays: 730, idempotencyHours: 24, logDays: 3650, readTraceDays: 183 }],
        ['retention.purged', { personalDays: 30, idempotencyHours: 24, logDays: 3650, readTraceDays: 30 }],
      ]);
      expect(await decisionLog.verifyRange()).toMatchObject({ ok: true, checked: 2 });
    } finally {
      await db.destroy();
    }
  });
});
