import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function runTokenCommand(args: string[]) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiguillage-token-'));
  const { AUTH_JWKS_URL: _ignored, ...env } = process.env;
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/token.ts', ...args], {
    cwd: root,
    env: { ...env, DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  fs.rmSync(dataDir, { recursive: true, force: true });
  return run;
}

describe('npm run token', () => {
  it('refuses to mint an admin token under an id the application acts under itself, saying why', () => {
    for (const subject of ['startup', 'shipped-model-retry']) {
      const run = runTokenCommand(['--role', 'admin', '--sub', subject]);
      expect(run.status, subject).toBe(1);
      expect(run.stdout, subject).toBe('');
      expect(run.stderr, subject).toContain(`"${subject}" is an id the application acts under itself`);
    }
  }, 60_000);

  it('still mints a token under such an id for a role other than admin', () => {
    const run = runTokenCommand(['--role', 'counselor', '--sub', 'startup']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  }, 60_000);
});
