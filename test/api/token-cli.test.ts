import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import supertest from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { type Container, createContainer } from '../../src/container.ts';
import { runScript, type ScriptRun } from '../support/run-script.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/** Runs `npm run token -- <args>` as npm would, against the given data folder. */
function runTokenCli(args: string[], env: Record<string, string>): Promise<ScriptRun> {
  return runScript('token.ts', args, { env, unset: ['AUTH_JWKS_URL'] });
}

function lastLineOf(output: string): string {
  return output.trimEnd().split('\n').at(-1) ?? '';
}

describe('npm run token', () => {
  let database: TestDatabase;
  let container: Container;
  let http: TestAgent;
  let counselorToken: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    // Minted before the API's first start: the CLI creates the key pair the API then loads.
    const run = await runTokenCli(['--role', 'counselor', '--sub', 'c-001'], { DATA_DIR: database.dataDir });
    expect(run.code).toBe(0);
    counselorToken = lastLineOf(run.stdout);
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: database.dataDir,
      ...(database.databaseUrl === undefined ? {} : { DATABASE_URL: database.databaseUrl }),
      SEED_DEMO: 'false',
    });
    container = await createContainer(config);
    http = supertest(createApp(container));
  });

  afterAll(async () => {
    await container?.close();
    await database?.drop();
  });

  it('prints a token, alone on the last line, that the API on the same data folder accepts', async () => {
    expect(counselorToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const res = await http.get('/v1/job-seekers/js-nobody').auth(counselorToken, { type: 'bearer' });
    expect(res.status).toBe(404);
  });

  it('is refused by an API whose data folder holds another key', async () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'aiguillage-token-'));
    try {
      const run = await runTokenCli(['--role', 'counselor', '--sub', 'c-001'], { DATA_DIR: elsewhere });
      expect(run.code).toBe(0);
      const res = await http
        .get('/v1/job-seekers/js-nobody')
        .auth(lastLineOf(run.stdout), { type: 'bearer' });
      expect(res.status).toBe(401);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('refuses a DATA_DIR that does not exist, naming it, rather than signing with a key no API holds', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'aiguillage-token-'));
    const mistyped = path.join(parent, 'dta');
    try {
      const run = await runTokenCli(['--role', 'counselor', '--sub', 'c-001'], { DATA_DIR: mistyped });
      expect(run.code).not.toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(mistyped);
      expect(run.stderr).toMatch(/does not exist/);
      expect(fs.readdirSync(parent)).toEqual([]);
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });

  it('says when it made a new key, which only an API started on that data folder accepts', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'aiguillage-token-'));
    try {
      const run = await runTokenCli(['--role', 'counselor', '--sub', 'c-001'], { DATA_DIR: empty });
      expect(run.code).toBe(0);
      expect(run.stderr).toContain(`no local key was in ${empty}`);
      const again = await runTokenCli(['--role', 'counselor', '--sub', 'c-001'], { DATA_DIR: empty });
      expect(again.stderr).not.toContain('no local key');
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('grants repeated and comma-separated roles, once each, for the lifetime asked', async () => {
    const run = await runTokenCli(
      ['--role', 'counselor,auditor', '--role', 'counselor', '--sub', 'c-002', '--ttl', '600'],
      { DATA_DIR: database.dataDir },
    );
    expect(run.code).toBe(0);
    const claims = decodeJwt(lastLineOf(run.stdout));
    expect(claims).toMatchObject({ sub: 'c-002', roles: ['counselor', 'auditor'] });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(600);
  });

  it('refuses an unknown role and names the valid ones', async () => {
    const run = await runTokenCli(['--role', 'superuser', '--sub', 'c-001'], { DATA_DIR: database.dataDir });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('superuser');
    expect(run.stderr).toContain('counselor, job_seeker, auditor, admin, integration');
  });

  it('refuses to mint when an identity provider is configured, and creates no key', async () => {
    const untouched = fs.mkdtempSync(path.join(os.tmpdir(), 'aiguillage-token-'));
    try {
      const run = await runTokenCli(['--role', 'admin', '--sub', 'ops'], {
        DATA_DIR: untouched,
        AUTH_JWKS_URL: 'https://idp.example.org/.well-known/jwks.json',
      });
      expect(run.code).not.toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('AUTH_JWKS_URL');
      expect(fs.readdirSync(untouched)).toEqual([]);
    } finally {
      fs.rmSync(untouched, { recursive: true, force: true });
    }
  });
});
