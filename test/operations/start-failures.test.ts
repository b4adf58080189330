import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScript, runStart, type ScriptRun } from '../support/run-script.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'aiguillage-start-failures-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** `npm start` on SQLite in `dataDir`, with these settings over the test defaults. */
const startOn = (dataDir: string, env: Record<string, string> = {}): Promise<ScriptRun> =>
  runStart({ unset: ['DATABASE_URL'], env: { DATA_DIR: dataDir, ...env } });

/** One line on standard error, `<program>: cannot start: <why>`, nothing else, exit code 1. */
function expectOneLineRefusal(run: ScriptRun, program: string, why: RegExp): void {
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(new RegExp(`^${program}: cannot start: .+\\n$`));
  expect(run.stderr).toMatch(why);
}

describe('a start that cannot open its database', () => {
  it('says why in one line, without a stack trace, and exits 1 (DATA_DIR is a file)', async () => {
    const file = path.join(scratch, 'not-a-folder');
    fs.writeFileSync(file, 'x');
    expectOneLineRefusal(await startOn(file), 'aiguillage', /not-a-folder/);
  }, 70_000);

  it('says why in one line, without a stack trace, and exits 1 (a damaged SQLite file)', async () => {
    const dir = path.join(scratch, 'damaged');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'aiguillage.sqlite'), Buffer.alloc(8192, 7));
    expectOneLineRefusal(await startOn(dir), 'aiguillage', /file is not a database/);
  }, 70_000);

  it('says why in one line, without a stack trace, and exits 1 (PostgreSQL unreachable)', async () => {
    const run = await runStart({
      env: {
        DATA_DIR: path.join(scratch, 'unreachable'),
        DATABASE_URL: 'postgres://aiguillage@127.0.0.1:1/aiguillage',
      },
    });
    expectOneLineRefusal(run, 'aiguillage', /ECONNREFUSED/);
  }, 70_000);
});

/**
 * The settings production refuses stop the start as a bad value does (README: "before the database is
 * opened, with one line"): the key files are not found missing after the database was created and
 * migrated, and token keys generated, in DATA_DIR.
 */
describe('a production start missing its identity provider or key files', () => {
  it('refuses AUTH_JWKS_URL unset in one line, before the database is opened', async () => {
    const dir = path.join(scratch, 'prod-auth');
    expectOneLineRefusal(
      await startOn(dir, { NODE_ENV: 'production' }),
      'aiguillage',
      /AUTH_JWKS_URL must be set/,
    );
    expect(fs.existsSync(dir), 'DATA_DIR was created').toBe(false);
  }, 70_000);

  it('refuses the AUDIT_*_KEY_FILE unset in one line, before the database is opened', async () => {
    const dir = path.join(scratch, 'prod-keys');
    const run = await startOn(dir, { NODE_ENV: 'production', AUTH_LOCAL_KEYS: 'true' });
    expectOneLineRefusal(
      run,
      'aiguillage',
      /AUDIT_MASTER_KEY_FILE, AUDIT_PSEUDONYM_KEY_FILE, AUDIT_SIGNING_KEY_FILE must be set/,
    );
    expect(fs.existsSync(dir), 'DATA_DIR was created').toBe(false);
  }, 70_000);
});

describe('a start naming a key file that does not exist', () => {
  it('refuses in one line naming the variable, before the database is opened', async () => {
    const dir = path.join(scratch, 'missing-key-file');
    const missing = path.join(scratch, 'nowhere', 'signing-key.pem');
    expectOneLineRefusal(
      await startOn(dir, { AUDIT_SIGNING_KEY_FILE: missing }),
      'aiguillage',
      new RegExp(`AUDIT_SIGNING_KEY_FILE names ${missing}, which does not exist`),
    );
    expect(fs.existsSync(dir), 'DATA_DIR was created').toBe(false);
  }, 70_000);
});

describe('scripts that cannot start', () => {
  it.each(['migrate', 'seed', 'retention'])(
    '%s names a bad setting in one line and exits 1',
    async (script) => {
      const dir = path.join(scratch, `bad-setting-${script}`);
      const run = await runScript(`${script}.ts`, [], {
        unset: ['DATABASE_URL'],
        env: { NODE_ENV: 'test', DATA_DIR: dir, LOG_LEVEL: 'verbose' },
      });
      expectOneLineRefusal(run, script, /LOG_LEVEL must be one of/);
      expect(fs.existsSync(dir), 'DATA_DIR was created').toBe(false);
    },
    70_000,
  );

  it.each(['seed', 'retention'])(
    '%s refuses production without its key files before the database is opened',
    async (script) => {
      const dir = path.join(scratch, `prod-keys-${script}`);
      const run = await runScript(`${script}.ts`, script === 'seed' ? ['--yes'] : [], {
        unset: ['DATABASE_URL'],
        env: { NODE_ENV: 'production', AUTH_LOCAL_KEYS: 'true', DATA_DIR: dir },
      });
      expectOneLineRefusal(run, script, /AUDIT_MASTER_KEY_FILE/);
      expect(fs.existsSync(dir), 'DATA_DIR was created').toBe(false);
    },
    70_000,
  );

  it('migrate says in one line that DATA_DIR is a file', async () => {
    const file = path.join(scratch, 'migrate-not-a-folder');
    fs.writeFileSync(file, 'x');
    const run = await runScript('migrate.ts', [], {
      unset: ['DATABASE_URL'],
      env: { NODE_ENV: 'test', DATA_DIR: file },
    });
    expectOneLineRefusal(run, 'migrate', /migrate-not-a-folder/);
  }, 70_000);
});
