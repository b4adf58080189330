import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import type { TestDatabase } from '../support/test-database.ts';
import { aWorkflowSeeker, requestAccessRecord, syncSeeker } from '../support/workflow.ts';

type KeyFiles = Record<
  'AUDIT_SIGNING_KEY_FILE' | 'AUDIT_MASTER_KEY_FILE' | 'AUDIT_PSEUDONYM_KEY_FILE',
  string
>;

function keyFilesIn(dataDir: string): KeyFiles {
  const keys = path.join(dataDir, 'keys');
  return {
    AUDIT_SIGNING_KEY_FILE: path.join(keys, 'decision-log-signing-key.pem'),
    AUDIT_MASTER_KEY_FILE: path.join(keys, 'decision-log-master.key'),
    AUDIT_PSEUDONYM_KEY_FILE: path.join(keys, 'pseudonym.key'),
  };
}

/**
 * A database upgraded from a version before migration 20261201100000: a log with events, a signed
 * checkpoint and data keys, and no key fingerprints (nor signing keys) recorded. The first process
 * started after the upgrade is the one whose keys get recorded: it must hold the log's own.
 */
describe('the first start on a log older than the key fingerprints', () => {
  let database: TestDatabase;
  let logKeys: KeyFiles;
  let otherKeys: KeyFiles;
  let otherDatabase: TestDatabase;

  /** Starts on the old log (which a test app's close would drop); the error when refused. */
  async function startOnTheLog(env: Partial<KeyFiles>): Promise<TestApp | Error> {
    try {
      return await startTestApp({ database: { ...database, drop: async () => {} }, env });
    } catch (error) {
      return error as Error;
    }
  }

  beforeAll(async () => {
    const first = await startTestApp();
    database = first.database;
    logKeys = keyFilesIn(database.dataDir);
    await syncSeeker(first, 'js-1', aWorkflowSeeker());
    const seeker = await first.tokenFor('job_seeker', 'js-1');
    const objection = await first.http
      .post('/v1/me/objection')
      .auth(seeker, { type: 'bearer' })
      .send({ comment: 'Je préfère voir mon conseiller.' });
    expect(objection.status).toBe(200);
    await first.container.decisionLog.decisionLog.createCheckpoint();
    const { db } = first.container;
    expect(await db('subject_keys').first()).toBeDefined();
    expect(await db('decision_checkpoints').first()).toBeDefined();
    // As the database was before 20261201100000 and 20261202100000: the tables exist, empty.
    await db('log_key_fingerprints').delete();
    await db('log_signing_keys').delete();
    await first.container.close();

    // Another set of keys, as an operator would generate them for AUDIT_*_KEY_FILE.
    const other = await startTestApp();
    otherDatabase = other.database;
    otherKeys = keyFilesIn(otherDatabase.dataDir);
    await other.container.close();
  });
  afterAll(async () => {
    await database.drop();
    await otherDatabase.drop();
  });

  it('refuses keys other than those the log was written with, naming them, and records none', async () => {
    const started = await startOnTheLog(otherKeys);
    if (!(started instanceof Error)) await started.container.close();
    expect(String(started)).toMatch(
      /other keys than this process's \(master, pseudonym, signing; read from .*decision-log-signing-key\.pem/,
    );
    const db = openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    try {
      expect(await db('log_key_fingerprints').select()).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it.each([
    ['signing', 'AUDIT_SIGNING_KEY_FILE'],
    ['master', 'AUDIT_MASTER_KEY_FILE'],
    ['pseudonym', 'AUDIT_PSEUDONYM_KEY_FILE'],
  ] as const)('refuses a %s key other than the log’s, naming it alone', async (purpose, file) => {
    const started = await startOnTheLog({ ...logKeys, [file]: otherKeys[file] });
    if (!(started instanceof Error)) await started.container.close();
    expect(String(started)).toMatch(new RegExp(`other keys than this process's \\(${purpose}; read from `));
  });

  it('starts with the log’s own keys and records them: the log verifies and people keep their pseudonym', async () => {
    const started = await startOnTheLog(logKeys);
    if (started instanceof Error) throw started;
    try {
      const recorded = await started.container.db('log_key_fingerprints').orderBy('purpose').pluck('purpose');
      expect(recorded).toEqual(['master', 'pseudonym', 'signing']);

      const admin = await started.tokenFor('admin', 'ops-1');
      const record = await requestAccessRecord(started, admin, 'js-1', 'DEM-2026-7');
      expect(record.status).toBe(200);
      expect(record.body.objection).not.toBeNull();
      expect(record.body.events.length).toBeGreaterThan(0);

      const auditor = await started.tokenFor('auditor', 'audit-1');
      const verify = await started.http
        .get('/v1/audit/verify')
        .auth(auditor, { type: 'bearer' })
        .set('X-Audit-Purpose', 'Contrôle après la mise à jour');
      expect(verify.body.ok).toBe(true);
    } finally {
      await started.container.close();
    }
    // Other keys are now refused by the fingerprints themselves.
    const refused = await startOnTheLog(otherKeys);
    if (!(refused instanceof Error)) await refused.container.close();
    expect(String(refused)).toMatch(/other keys than this process's \(master, pseudonym, signing;/);
  });
});
