import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFor } from '../../src/config.ts';
import { CheckpointSigner } from '../../src/decision-log/checkpoint-signer.ts';
import {
  loadOrCreateDecisionLogKeys,
  readMasterKeyFile,
  readSigningKeyFile,
} from '../../src/decision-log/decision-log-keys.ts';

const root = path.resolve(import.meta.dirname, '../..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

/** The commands of the README's "A first production deployment", its blocks in order. */
function readDeploymentCommands(): string {
  const start = readme.indexOf('### A first production deployment');
  expect(start, 'the README has a section "A first production deployment"').toBeGreaterThanOrEqual(0);
  const section = readme.slice(start, readme.indexOf('\n## ', start));
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((block) => block[1] ?? '').join('\n');
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'aiguillage-deployment-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe("the README's first production deployment", () => {
  it.skipIf(!hasOpenssl())(
    'makes the three key files, readable by their owner only, that a production process and the decision log take',
    () => {
      const keys = path.join(scratch, 'keys');
      const lines = readDeploymentCommands().split('\n');
      // The key commands and the settings naming the files, run as written but for the folder.
      const script = lines
        .filter((line) => /^(KEYS=|mkdir |openssl |chmod |export AUDIT_)/.test(line))
        .map((line) => (line.startsWith('KEYS=') ? `KEYS=${keys}` : line));
      expect(script.filter((line) => line.startsWith('openssl '))).toHaveLength(3);
      const printed = execFileSync('bash', ['-euc', [...script, 'env | grep ^AUDIT_ || true'].join('\n')], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '' },
      });
      const named = Object.fromEntries(
        printed
          .trim()
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      expect(Object.keys(named).sort()).toEqual([
        'AUDIT_MASTER_KEY_FILE',
        'AUDIT_PSEUDONYM_KEY_FILE',
        'AUDIT_SIGNING_KEY_FILE',
      ]);

      expect(fs.statSync(keys).mode & 0o777).toBe(0o700);
      for (const file of Object.values(named)) {
        expect(path.dirname(file)).toBe(keys);
        expect(fs.statSync(file).mode & 0o077).toBe(0);
      }
      const config = loadConfigFor(
        { tokens: true, decisionLog: true },
        { NODE_ENV: 'production', AUTH_JWKS_URL: 'https://idp.example/jwks.json', ...named },
      );
      const made = loadOrCreateDecisionLogKeys(path.join(scratch, 'data'), config.audit);
      expect(new CheckpointSigner(made.signingKey).keyId).toMatch(/^[\w-]{43}$/);
      expect(made.masterKey).toHaveLength(32);
      expect(made.pseudonymKey).toHaveLength(32);
      expect(fs.existsSync(path.join(scratch, 'data')), 'no key was generated in DATA_DIR').toBe(false);
    },
  );

  it('makes the database owned by the user the API connects as', () => {
    const commands = readDeploymentCommands();
    const user = commands.match(/^createuser .*?(\w+)$/m)?.[1];
    expect(user).toBeDefined();
    expect(commands).toMatch(new RegExp(`^createdb --owner ${user} \\w+$`, 'm'));
    const database = commands.match(/^createdb --owner \w+ (\w+)$/m)?.[1];
    expect(commands).toContain(`DATABASE_URL=postgres://${user}:password@db.example:5432/${database}`);
  });
});

describe("the README's key rotations", () => {
  it.skipIf(!hasOpenssl())(
    "make, pasted as written under the usual umask, new key files in the keys' folder readable by their owner only, which the rotations take",
    () => {
      const rotations = readme.slice(
        readme.indexOf('- **The signing key can be rotated**'),
        readme.indexOf('- **The pseudonym key'),
      );
      // The commands that make the new keys, run as written, the keys' folder one of their own.
      const commands = [...rotations.matchAll(/`(openssl [^`]*new-[^`]*)`/g)].map((match) => match[1] ?? '');
      expect(commands).toHaveLength(2);
      const folder = fs.mkdtempSync(path.join(scratch, 'rotation-'));
      execFileSync('bash', ['-euc', ['umask 022', ...commands].join('\n')], {
        // Run elsewhere: a command writing in the folder it runs in would leave its key there.
        cwd: fs.mkdtempSync(path.join(scratch, 'elsewhere-')),
        env: { PATH: process.env.PATH ?? '', KEYS: folder },
      });
      const signing = path.join(folder, 'new-signing-key.pem');
      const master = path.join(folder, 'new-master.key');
      for (const file of [signing, master]) expect(fs.statSync(file).mode & 0o077, file).toBe(0);
      expect(new CheckpointSigner(readSigningKeyFile(signing)).keyId).toMatch(/^[\w-]{43}$/);
      expect(readMasterKeyFile(master)).toHaveLength(32);
    },
  );

  it('say where to put the new key when the key files are named, not only in DATA_DIR/keys', () => {
    const rotations = readme.slice(
      readme.indexOf('- **The signing key can be rotated**'),
      readme.indexOf('- **The pseudonym key'),
    );
    expect(rotations).not.toContain('(or put it in `DATA_DIR/keys`)');
    expect(
      rotations.match(/or put the new key in the file it named, `DATA_DIR\/keys` when unset/g),
    ).toHaveLength(2);
  });
});
