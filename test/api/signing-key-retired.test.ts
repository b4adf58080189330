import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScriptOn } from '../support/run-script.ts';
import { STORAGE_CHECK, startTestApp, type TestApp } from '../support/test-app.ts';
import { createSet } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * `npm run audit:rotate-signing-key` run against the database of an API left running, against the
 * advice: the process still holds the retired key, which vouches for nothing past the rotation.
 */
describe('an API left running through a signing-key rotation', () => {
  let t: TestApp;
  let counselor: string;
  let auditor: string;
  let newKeyFile: string;

  const exportEvents = () =>
    t.http
      .get('/v1/audit/events/export')
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'archivage trimestriel du journal');
  const verify = () =>
    t.http
      .get('/v1/audit/verify')
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'contrôle du journal');

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
    auditor = await t.tokenFor('auditor', 'dpo-1');
    await createSet(t, counselor, 'js-1');

    newKeyFile = path.join(t.database.dataDir, 'new-signing-key.pem');
    const { privateKey } = crypto.generateKeyPairSync('ed25519');
    fs.writeFileSync(newKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const rotation = await runScriptOn(t.database, 'rotate-signing-key.ts', [
      '--new-key',
      newKeyFile,
      '--operator',
      'ops-7',
    ]);
    expect(rotation.stderr).toBe('');
    expect(rotation.code).toBe(0);
    // The process goes on logging after the rotation.
    await createSet(t, counselor, 'js-1');
  });
  afterAll(() => t.close());

  it('reports not ready, naming the retired signing key', async () => {
    const res = await t.http.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: 'not_ready',
      checks: { database: 'ok', model: 'ok', keys: 'signing_key_retired', ...STORAGE_CHECK },
    });
  });

  it('refuses an export, which would sign the head with the retired key, with 503 saying to restart, and the log still verifies', async () => {
    const res = await exportEvents();
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'https://aiguillage.example/problems/signing-key-retired',
      status: 503,
      detail: 'the decision log signing key was retired by a rotation; restart the service with the new key',
    });
    expect(res.headers['retry-after']).toBeUndefined();

    const verification = await verify();
    expect(verification.status).toBe(200);
    expect(verification.body).toMatchObject({ ok: true });
  });

  it('is ready again, and exports a checkpoint signed with the new key, once restarted with it', async () => {
    await t.container.close();
    t = await startTestApp({ database: t.database, env: { AUDIT_SIGNING_KEY_FILE: newKeyFile } });
    auditor = await t.tokenFor('auditor', 'dpo-1');

    const ready = await t.http.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.keys).toBe('ok');
    expect((await exportEvents()).status).toBe(200);
    expect((await verify()).body).toMatchObject({ ok: true });
  });
});
