import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_MODEL_SHA256 } from '../model/support/small-model.ts';
import { SHIPPED_FOLDER } from '../model-registry/support/model-folders.ts';
import { STORAGE_CHECK, startTestApp, type TestApp } from '../support/test-app.ts';
import { requestSet, seedCatalogAndSeeker } from '../support/workflow.ts';

/**
 * A deployment that brings its own model (SHIPPED_MODEL empty): nothing is registered on start, the
 * model check says so, counselors get the manual path, and the admin's registration is what starts
 * the suggestions.
 */
describe('a deployment with no shipped model', () => {
  let t: TestApp;
  let admin: string;
  let counselor: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { SHIPPED_MODEL: '' } });
    await seedCatalogAndSeeker(t, 'js-1');
    admin = await t.tokenFor('admin', 'a-001');
    counselor = await t.tokenFor('counselor', 'c-001');
  });
  afterAll(() => t.close());

  it('registers no model on start, and reports the model check as not configured', async () => {
    expect(t.config.shippedModel).toBeNull();
    const models = await t.http.get('/v1/models').auth(admin, { type: 'bearer' });
    expect(models.status).toBe(200);
    expect(models.body).toEqual({ items: [] });
    const ready = await t.http.get('/readyz');
    expect(ready.body).toEqual({
      status: 'ready',
      checks: { database: 'ok', model: 'not_configured', keys: 'ok', ...STORAGE_CHECK },
    });
  });

  it('refuses suggestions with 503 naming no active model and the manual path, with no time to wait', async () => {
    const res = await requestSet(t, counselor, 'js-1');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBeUndefined();
    expect(res.body).toMatchObject({ reason: 'no_active_model', manualSetPath: expect.any(String) });
  });

  it('logs the refusal with the no_active_model reason and nothing personal, and the chain verifies', async () => {
    const { decisionLog, pseudonymiser } = t.container.decisionLog;
    const before = await decisionLog.listEvents({ types: ['suggestion.refused'], limit: 100 });

    expect((await requestSet(t, counselor, 'js-1')).status).toBe(503);

    const after = await decisionLog.listEvents({ types: ['suggestion.refused'], limit: 100 });
    expect(after.slice(before.length)).toEqual([
      expect.objectContaining({
        subject: pseudonymiser.pseudonymise('js-1'),
        payload: { reason: 'no_active_model' },
        personal: null,
      }),
    ]);
    expect(await decisionLog.verifyRange()).toMatchObject({ ok: true });
  });

  it('suggests once the admin registers and activates a model', async () => {
    const registered = await t.http
      .post('/v1/models')
      .auth(admin, { type: 'bearer' })
      .send({ folder: SHIPPED_FOLDER, sha256: SHIPPED_MODEL_SHA256 });
    expect(registered.status).toBe(201);
    const activated = await t.http
      .post(`/v1/models/${registered.body.id}/activate`)
      .auth(admin, { type: 'bearer' })
      .send();
    expect(activated.status).toBe(200);
    expect((await requestSet(t, counselor, 'js-1')).status).toBe(201);
  });
});

/**
 * Production's default (ACTIVATE_SHIPPED_MODEL=false): the shipped model, trained on synthetic
 * data, is registered on start but goes in front of people only when an admin activates it.
 */
describe('a start that leaves the shipped model for an admin to activate', () => {
  let t: TestApp;
  let admin: string;
  let counselor: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { ACTIVATE_SHIPPED_MODEL: 'false' } });
    await seedCatalogAndSeeker(t, 'js-1');
    admin = await t.tokenFor('admin', 'a-001');
    counselor = await t.tokenFor('counselor', 'c-001');
  });
  afterAll(() => t.close());

  it('registers the shipped model without activating it, and reports the model check as not configured', async () => {
    const models = await t.http.get('/v1/models').auth(admin, { type: 'bearer' });
    expect(models.status).toBe(200);
    expect(
      models.body.items.map((model: { id: string; status: string }) => [model.id, model.status]),
    ).toEqual([[SHIPPED_FOLDER, 'registered']]);
    const ready = await t.http.get('/readyz');
    expect(ready.body).toEqual({
      status: 'ready',
      checks: { database: 'ok', model: 'not_configured', keys: 'ok', ...STORAGE_CHECK },
    });
  });

  it('refuses suggestions with the manual path until the admin activates the shipped model', async () => {
    const refused = await requestSet(t, counselor, 'js-1');
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ reason: 'no_active_model', manualSetPath: expect.any(String) });

    const [shipped] = (await t.http.get('/v1/models').auth(admin, { type: 'bearer' })).body.items;
    const activated = await t.http
      .post(`/v1/models/${shipped.id}/activate`)
      .auth(admin, { type: 'bearer' })
      .send();
    expect(activated.status).toBe(200);
    expect((await requestSet(t, counselor, 'js-1')).status).toBe(201);
  });
});
