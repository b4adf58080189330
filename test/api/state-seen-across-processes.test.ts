import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createModelsDir,
  type TestModelFolder,
  writeShippedVariant,
} from '../model-registry/support/model-folders.ts';
import { scrapeMetrics } from '../support/metrics.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  aWorkflowSeeker,
  createAndPublish,
  eraseJobSeeker,
  putSettings,
  requestSet,
  syncSeeker,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * Two API processes on one database, a load balancer sending each request to either: what one
 * process was told (the kill switch, an objection, a caseload handed over, an erasure) binds the
 * other from its next request, whatever it answered or remembered before (its verified tokens
 * included, which remember who a token names, never what they may see).
 */
describe('state changed through one process, seen by the other at its next request', () => {
  let a: TestApp;
  let b: TestApp;
  let modelsDir: { dir: string; remove(): Promise<void> };
  let variant: TestModelFolder;

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    variant = await writeShippedVariant(modelsDir.dir, 'aiguillage-ebm-1.2.0', (manifest) => ({
      ...manifest,
      version: '1.2.0',
    }));
    const env = { MODELS_DIR: modelsDir.dir };
    a = (await startWorkflowApp({ env })).t;
    b = await startTestApp({ database: a.database, env });
  });
  afterAll(async () => {
    await b.container.close();
    await a.close();
    await modelsDir.remove();
  });

  it('refuses suggestions on B, and its metrics say so, once the kill switch is thrown through A', async () => {
    const counselorOnB = await b.tokenFor('counselor', 'c-001');
    expect((await requestSet(b, counselorOnB, 'js-1')).status).toBe(201);
    expect(await scrapeMetrics(b)).toMatch(/^aiguillage_ai_enabled 1$/m);
    await putSettings(a, { aiEnabled: false });
    try {
      const refused = await requestSet(b, counselorOnB, 'js-1');
      expect(refused.status).toBe(409);
      expect(await scrapeMetrics(b)).toMatch(/^aiguillage_ai_enabled 0$/m);
    } finally {
      await putSettings(a, {});
    }
  });

  it('refuses suggestions on B for a person who objected through A', async () => {
    await syncSeeker(a, 'js-objects');
    const counselorOnB = await b.tokenFor('counselor', 'c-001');
    expect((await requestSet(b, counselorOnB, 'js-objects')).status).toBe(201);
    const objected = await a.http
      .post('/v1/me/objection')
      .auth(await a.tokenFor('job_seeker', 'js-objects'), { type: 'bearer' })
      .send({});
    expect(objected.status).toBe(200);
    const refused = await requestSet(b, counselorOnB, 'js-objects');
    expect(refused.status).toBe(409);
  });

  it('answers the former counselor on B as for a stranger once the caseload was handed over through A', async () => {
    await syncSeeker(a, 'js-moves');
    const formerOnB = await b.tokenFor('counselor', 'c-001');
    const { status, body } = await requestSet(b, formerOnB, 'js-moves');
    expect(status).toBe(201);
    expect((await b.http.get('/v1/job-seekers/js-moves').auth(formerOnB, { type: 'bearer' })).status).toBe(
      200,
    );
    await syncSeeker(a, 'js-moves', aWorkflowSeeker({ counselorId: 'c-002' }));
    expect((await b.http.get('/v1/job-seekers/js-moves').auth(formerOnB, { type: 'bearer' })).status).toBe(
      404,
    );
    expect(
      (await b.http.get(`/v1/recommendations/${body.id}`).auth(formerOnB, { type: 'bearer' })).status,
    ).toBe(404);
    expect((await requestSet(b, formerOnB, 'js-moves')).status).toBe(404);
    const newOnB = await b.tokenFor('counselor', 'c-002');
    expect((await b.http.get('/v1/job-seekers/js-moves').auth(newOnB, { type: 'bearer' })).status).toBe(200);
  });

  it('shows the person nothing on B, nor their counselor, once they were erased through A', async () => {
    await syncSeeker(a, 'js-erased');
    const counselorOnB = await b.tokenFor('counselor', 'c-001');
    await createAndPublish(b, counselorOnB, 'js-erased');
    const seekerOnB = await b.tokenFor('job_seeker', 'js-erased');
    const before = await b.http.get('/v1/me/recommendations').auth(seekerOnB, { type: 'bearer' });
    expect(before.status).toBe(200);
    expect(before.body.items.length).toBeGreaterThan(0);

    const admin = await a.tokenFor('admin', 'ops-1');
    expect((await eraseJobSeeker(a, admin, 'js-erased')).status).toBe(204);

    const after = await b.http.get('/v1/me/recommendations').auth(seekerOnB, { type: 'bearer' });
    expect(after.status === 404 || after.body.items?.length === 0, JSON.stringify(after.body)).toBe(true);
    expect((await b.http.get('/v1/me/data').auth(seekerOnB, { type: 'bearer' })).status).toBe(404);
    expect(
      (await b.http.get('/v1/job-seekers/js-erased').auth(counselorOnB, { type: 'bearer' })).status,
    ).toBe(404);
    expect((await requestSet(b, counselorOnB, 'js-erased')).status).toBe(404);
  });

  it('suggests with the model activated through A from its next suggestion on B, and with none once A recalled it', async () => {
    const admin = await a.tokenFor('admin', 'ops-1');
    const counselorOnB = await b.tokenFor('counselor', 'c-001');
    await syncSeeker(a, 'js-models');
    expect((await requestSet(b, counselorOnB, 'js-models')).body.model.id).toBe('aiguillage-ebm-1.1.0');

    const registered = await a.http
      .post('/v1/models')
      .auth(admin, { type: 'bearer' })
      .send({ folder: variant.folder, sha256: variant.sha256 });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const modelId = variant.id;
    expect(
      (await a.http.post(`/v1/models/${modelId}/activate`).auth(admin, { type: 'bearer' }).send()).status,
    ).toBe(200);
    expect((await requestSet(b, counselorOnB, 'js-models')).body.model.id).toBe(modelId);

    const recalled = await a.http
      .post(`/v1/models/${modelId}/recall`)
      .auth(admin, { type: 'bearer' })
      .send({ reason: 'found faulty in a weekly review' });
    expect(recalled.status, JSON.stringify(recalled.body)).toBe(200);
    const refused = await requestSet(b, counselorOnB, 'js-models');
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ reason: 'no_active_model' });
    expect((await b.http.get('/readyz')).body).toMatchObject({ checks: { model: 'not_configured' } });
  });
});
