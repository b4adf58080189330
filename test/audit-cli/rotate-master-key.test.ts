import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedDecisionEvent } from '../../src/decision-log/decision-event.ts';
import {
  anEvent,
  type DecisionLogFixture,
  startDecisionLog,
} from '../decision-log/support/decision-log-fixture.ts';
import { runScript, type ScriptRun } from '../support/run-script.ts';
import { startTestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';

const PEOPLE = ['js-alice', 'js-bob', 'js-carol', 'js-dave'];
const ERASED = 'js-bob';

describe('npm run audit:rotate-master-key (replacing the master key)', () => {
  let fixture: DecisionLogFixture;
  let oldKeyFile: string;

  beforeEach(async () => {
    fixture = await startDecisionLog();
    oldKeyFile = path.join(fixture.database.dataDir, 'keys', 'decision-log-master.key');
    await fixture.decisionLog.withTransaction(async (trx) => {
      for (const person of PEOPLE) {
        await fixture.decisionLog.append(
          trx,
          anEvent({ subjectId: person, personal: { comment: `about ${person}` } }),
        );
      }
    });
    // An erasure: the person's data key destroyed, and the erasure logged.
    await fixture.decisionLog.withTransaction(async (trx) => {
      await fixture.subjectKeyring.shredSubjectKey(trx, ERASED);
      await fixture.decisionLog.append(
        trx,
        anEvent({
          type: 'subject.erased',
          actor: { role: 'admin', id: 'admin-1' },
          subjectId: ERASED,
          payload: {},
        }),
      );
    });
  });
  afterEach(() => fixture.close());

  /** The API's configuration, as the operator's shell holds it. */
  const apiEnv = (): Record<string, string> => ({
    NODE_ENV: 'test',
    DATA_DIR: fixture.database.dataDir,
    ...(fixture.database.databaseUrl === undefined ? {} : { DATABASE_URL: fixture.database.databaseUrl }),
  });
  const rotate = (newKeyFile: string): Promise<ScriptRun> =>
    runScript('rotate-master-key.ts', ['--new-key', newKeyFile, '--operator', 'ops-7'], { env: apiEnv() });
  const writeKeyFile = (name: string, content: string): string => {
    const file = path.join(fixture.database.dataDir, name);
    fs.writeFileSync(file, content, { mode: 0o600 });
    return file;
  };
  /** A new key as `openssl rand -base64 32` writes it. */
  const aNewKeyFile = () => writeKeyFile('new-master.key', `${crypto.randomBytes(32).toString('base64')}\n`);

  /** What a rotation may change, to check that a failed one changed none of it. */
  const readKeyState = async () => ({
    subjectKeys: await fixture.db('subject_keys').orderBy('key_id'),
    fingerprints: await fixture.db('log_key_fingerprints').orderBy('purpose'),
    head: await fixture.decisionLog.readHead(),
  });

  const sealedEventAbout = async (person: string): Promise<RecordedDecisionEvent> => {
    const [event] = (await fixture.decisionLog.listEventsAbout(person)).filter(
      (each) => each.personal !== null,
    );
    if (event === undefined) throw new Error(`no sealed event about ${person}`);
    return event;
  };

  it('hands over to the new key: the API started with it reads every remaining person’s sealed data, the erased person’s stays unreadable, and the old key is refused', async () => {
    const newKeyFile = aNewKeyFile();

    const run = await rotate(newKeyFile);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^3 data keys wrapped again under master key [0-9a-f]{64} \(log\.master_key_rotated at seq 6\)$/m,
    );
    expect(run.stdout).toContain(`AUDIT_MASTER_KEY_FILE=${newKeyFile}`);
    expect(run.stdout).toMatch(/^Backups taken before still open with the old key/m);

    const app = await startTestApp({
      database: fixture.database,
      env: { AUDIT_MASTER_KEY_FILE: newKeyFile },
    });
    try {
      const { subjectKeyring } = app.container.decisionLog;
      for (const person of PEOPLE.filter((each) => each !== ERASED)) {
        const event = await sealedEventAbout(person);
        expect(await subjectKeyring.decryptPersonal(event.personal ?? '')).toEqual({
          status: 'readable',
          value: { comment: `about ${person}` },
        });
      }
      const erased = await sealedEventAbout(ERASED);
      expect(await subjectKeyring.decryptPersonal(erased.personal ?? '')).toEqual({ status: 'shredded' });
    } finally {
      await app.container.close();
    }

    await expect(
      startTestApp({ database: fixture.database, env: { AUDIT_MASTER_KEY_FILE: oldKeyFile } }),
    ).rejects.toThrow(
      /other keys than this process's \(master\): its master key \(read from .*\) was retired by the key rotation at seq \d+ \(log\.master_key_rotated\): start it with the new key that rotation handed over to, AUDIT_MASTER_KEY_FILE naming that key's file/,
    );
    // Run again with the API's old configuration: the old key is no longer the database's.
    const again = await rotate(aNewKeyFile());
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /^audit:rotate-master-key failed, the keys are as they were: .*other keys than this process's \(master\): its master key .* was retired by the key rotation/,
    );
  });

  it.skipIf(TEST_ENGINE !== 'sqlite')(
    'leaves no data key as the old master key wrapped it in the SQLite file or its write-ahead log',
    async () => {
      const oldWrapped: string[] = await fixture.db('subject_keys').pluck('wrapped_key');
      expect((await rotate(aNewKeyFile())).code).toBe(0);
      const base = path.join(fixture.database.dataDir, 'aiguillage.sqlite');
      const files = [base, `${base}-wal`].filter((file) => fs.existsSync(file));
      expect(files).toContain(base);
      for (const wrapped of oldWrapped) {
        // The ciphertext part: the IV alone could recur by chance in no file, but be exact.
        const ciphertext = wrapped.split('.')[1] ?? '';
        expect(
          files.filter((file) => fs.readFileSync(file).includes(Buffer.from(ciphertext, 'utf8'))),
        ).toEqual([]);
      }
    },
  );

  it.skipIf(TEST_ENGINE !== 'postgres')(
    'vacuums the table of data keys on PostgreSQL, so that no dead row keeps a key as the old master key wrapped it',
    async () => {
      expect((await rotate(aNewKeyFile())).code).toBe(0);
      const vacuumed = await fixture
        .db('pg_stat_user_tables')
        .where({ relname: 'subject_keys' })
        .whereNotNull('last_vacuum')
        .pluck('relname');
      expect(vacuumed).toEqual(['subject_keys']);
    },
  );

  it('refuses, in one line and with exit code 1, a new key that is missing, not base64, not 32 bytes, or the one in use, saying the command that makes a new one', async () => {
    const before = await readKeyState();
    const cases: Array<[string, RegExp]> = [
      [
        path.join(fixture.database.dataDir, 'no-such.key'),
        /the key file (.*no-such\.key) does not exist: make the new key with `openssl rand -base64 32 > \1 && chmod 600 \1`/,
      ],
      [writeKeyFile('not-base64.key', 'not a key, this\n'), /the master key file must hold base64 text/],
      [
        writeKeyFile('short.key', `${crypto.randomBytes(16).toString('base64')}\n`),
        /must be 32 bytes \(base64\), as `openssl rand -base64 32 > <file>` writes them/,
      ],
      [
        oldKeyFile,
        /the new master key is the one in use: make a new one with `openssl rand -base64 32 > <file>` and name that file/,
      ],
    ];
    for (const [file, reason] of cases) {
      const run = await rotate(file);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^audit:rotate-master-key/);
      expect(run.stderr).toMatch(reason);
    }
    expect(await readKeyState()).toEqual(before);
  });

  it('refuses a new key file other users can read (as `openssl rand -base64 32 > file` leaves it under the usual umask), saying to chmod 600 it, and changes nothing', async () => {
    const before = await readKeyState();
    const file = aNewKeyFile();
    for (const mode of [0o644, 0o640, 0o604]) {
      fs.chmodSync(file, mode);
      const run = await rotate(file);
      expect(run.code, mode.toString(8)).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd()).toBe(
        `audit:rotate-master-key: cannot start: the key file ${file} is open to other users than its owner (mode ${mode.toString(8)}): make it readable by its owner only with \`chmod 600 ${file}\` and run the rotation again`,
      );
    }
    expect(await readKeyState()).toEqual(before);
    fs.chmodSync(file, 0o600);
    const run = await rotate(file);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('changes nothing when one wrapped data key is damaged, and names that key', async () => {
    const carol = await fixture
      .db('subject_keys')
      .where({ subject: fixture.pseudonymiser.pseudonymise('js-carol') })
      .first();
    const parts = String(carol.wrapped_key).split('.');
    const tag = Buffer.from(parts[2] ?? '', 'base64url');
    tag[0] = (tag[0] ?? 0) ^ 1;
    parts[2] = tag.toString('base64url');
    await fixture
      .db('subject_keys')
      .where({ key_id: carol.key_id })
      .update({ wrapped_key: parts.join('.') });
    const before = await readKeyState();

    const run = await rotate(aNewKeyFile());

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd()).toBe(
      `audit:rotate-master-key failed, the keys are as they were: the data key ${carol.key_id} does not open with the master key in use (its row is damaged, or another key wrapped it)`,
    );
    expect(await readKeyState()).toEqual(before);
    const alice = await sealedEventAbout('js-alice');
    expect(await fixture.subjectKeyring.decryptPersonal(alice.personal ?? '')).toEqual({
      status: 'readable',
      value: { comment: 'about js-alice' },
    });
  });
});
