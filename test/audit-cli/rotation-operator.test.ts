import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  appendMany,
  type DecisionLogFixture,
  startDecisionLog,
} from '../decision-log/support/decision-log-fixture.ts';
import { runScript, type ScriptRun } from '../support/run-script.ts';

/**
 * `--operator` is who rotated a key, the log's only record of it (the event's actor, pseudonymised):
 * a blank one would rotate the key for good by an actor nobody can be traced to, and " ops-1" would
 * get another pseudonym than "ops-1".
 */
describe('the operator of a key rotation', () => {
  let fixture: DecisionLogFixture;
  beforeEach(async () => {
    fixture = await startDecisionLog();
    await appendMany(fixture, 3);
  });
  afterEach(() => fixture.close());

  const env = () => ({
    NODE_ENV: 'test',
    DATA_DIR: fixture.database.dataDir,
    ...(fixture.database.databaseUrl === undefined ? {} : { DATABASE_URL: fixture.database.databaseUrl }),
  });
  const writeSigningKey = (): string => {
    const file = path.join(fixture.database.dataDir, 'next.pem');
    fs.writeFileSync(
      file,
      crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      { mode: 0o600 },
    );
    return file;
  };
  const writeMasterKey = (): string => {
    const file = path.join(fixture.database.dataDir, 'next-master.key');
    fs.writeFileSync(file, `${crypto.randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    return file;
  };
  const rotateSigningKey = (operator: string): Promise<ScriptRun> =>
    runScript('rotate-signing-key.ts', ['--new-key', writeSigningKey(), '--operator', operator], {
      env: env(),
    });
  const rotateMasterKey = (operator: string): Promise<ScriptRun> =>
    runScript('rotate-master-key.ts', ['--new-key', writeMasterKey(), '--operator', operator], {
      env: env(),
    });

  it.each([
    ['signing', rotateSigningKey],
    ['master', rotateMasterKey],
  ])(
    'refuses a blank --operator for the %s key, with exit code 1 and nothing written',
    async (_key, rotate) => {
      const before = await fixture.decisionLog.readHead();
      for (const blank of ['   ', ' \t ']) {
        const run = await rotate(blank);
        expect(run.code).toBe(1);
        expect(run.stdout).toBe('');
        expect(run.stderr).toMatch(
          /option '--operator <id>' argument .* is invalid\. give the staff id of who rotates the key/,
        );
      }
      expect(await fixture.decisionLog.readHead()).toEqual(before);
    },
    60_000,
  );

  it.each([
    ['signing', rotateSigningKey, 'log.signing_key_rotated'],
    ['master', rotateMasterKey, 'log.master_key_rotated'],
  ] as const)(
    'records the %s key rotated by " ops-7 " as rotated by "ops-7"',
    async (_key, rotate, type) => {
      expect((await rotate(' ops-7 ')).code).toBe(0);
      const [event] = await fixture.decisionLog.listEvents({ types: [type] });
      expect(event?.actor.pseudonym).toBe(fixture.pseudonymiser.pseudonymise('ops-7'));
    },
    60_000,
  );
});
