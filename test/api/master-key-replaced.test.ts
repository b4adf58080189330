import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScriptOn } from '../support/run-script.ts';
import { STORAGE_CHECK, startTestApp, type TestApp } from '../support/test-app.ts';
import { createAndPublish, requestAccessRecord, requestSet, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const REPLACED = {
  type: 'https://aiguillage.example/problems/master-key-replaced',
  status: 503,
  detail: 'the master key was replaced; restart the service with the new key',
};

/**
 * `npm run audit:rotate-master-key` run against the database of an API left running, against the
 * advice: the process still holds the old master key, which opens no person's data key any more.
 */
describe('an API left running through a master-key rotation', () => {
  let t: TestApp;
  let counselor: string;
  let admin: string;
  let newKeyFile: string;

  /** GET the person's access record, as an admin answering a data-subject request. */
  const readAccessRecord = (app: TestApp, seekerId: string) =>
    requestAccessRecord(app, admin, seekerId, 'DSAR-2026-118');

  beforeAll(async () => {
    // Every figure given at once (no week withheld), so that the figures open the set made below.
    ({ t, counselor } = await startWorkflowApp({ env: { AUDIT_MIN_PEOPLE: '1' } }));
    admin = await t.tokenFor('admin', 'ops-1');
    await createAndPublish(t, counselor, 'js-1', { approve: 1 });
    expect((await readAccessRecord(t, 'js-1')).status).toBe(200);

    newKeyFile = path.join(t.database.dataDir, 'new-master.key');
    fs.writeFileSync(newKeyFile, `${crypto.randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    const rotation = await runScriptOn(t.database, 'rotate-master-key.ts', [
      '--new-key',
      newKeyFile,
      '--operator',
      'ops-7',
    ]);
    expect(rotation.stderr).toBe('');
    expect(rotation.code).toBe(0);
  });
  afterAll(() => t.close());

  it('reports not ready, naming the replaced master key', async () => {
    const res = await t.http.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: 'not_ready',
      checks: { database: 'ok', model: 'ok', keys: 'master_key_replaced', ...STORAGE_CHECK },
    });
  });

  it('answers a person read that needs their data key with a 503 problem saying to restart, not a 500 nor data marked unreadable', async () => {
    const res = await readAccessRecord(t, 'js-1');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject(REPLACED);
    expect(res.headers['retry-after']).toBeUndefined();
  });

  it('answers 503 to a change that seals a personal part, for a known person or a newcomer, writing nothing', async () => {
    const head = await t.container.decisionLog.decisionLog.readHead();
    const known = await requestSet(t, counselor, 'js-1', { limit: 1 });
    expect(known.status).toBe(503);
    expect(known.body).toMatchObject(REPLACED);
    expect(await t.container.decisionLog.decisionLog.readHead()).toEqual(head);

    await syncSeeker(t, 'js-newcomer');
    const afterSync = await t.container.decisionLog.decisionLog.readHead();
    const newcomer = await requestSet(t, counselor, 'js-newcomer', { limit: 1 });
    expect(newcomer.status).toBe(503);
    expect(newcomer.body).toMatchObject(REPLACED);
    expect(await t.container.decisionLog.decisionLog.readHead()).toEqual(afterSync);
  });

  it('answers the audit figures that open sealed parts (attributions, drift) with the same 503, logging no query; those read from public parts still answer', async () => {
    const auditor = await t.tokenFor('auditor', 'dpo-1');
    const readFigures = (figures: string) =>
      t.http
        .get(`/v1/audit/stats/${figures}`)
        .auth(auditor, { type: 'bearer' })
        .set('X-Audit-Purpose', 'contrôle des chiffres après la rotation');
    const head = await t.container.decisionLog.decisionLog.readHead();
    for (const figures of ['attributions', 'drift']) {
      const res = await readFigures(figures);
      expect(res.status, figures).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject(REPLACED);
      expect(res.headers['retry-after']).toBeUndefined();
    }
    expect(await t.container.decisionLog.decisionLog.readHead()).toEqual(head);
    for (const figures of ['oversight', 'usage'])
      expect((await readFigures(figures)).status, figures).toBe(200);
  });

  it('is ready again, and reads the person, once restarted with the new key', async () => {
    await t.container.close();
    t = await startTestApp({ database: t.database, env: { AUDIT_MASTER_KEY_FILE: newKeyFile } });
    admin = await t.tokenFor('admin', 'ops-1');

    const ready = await t.http.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.keys).toBe('ok');
    const res = await readAccessRecord(t, 'js-1');
    expect(res.status).toBe(200);
    const statuses = (res.body.events as Array<{ personal: { status: string } | null }>).flatMap((event) =>
      event.personal === null ? [] : [event.personal.status],
    );
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['readable']));
  });
});
