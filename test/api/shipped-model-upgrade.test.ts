import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelFolder } from '../../src/model/model-folder.ts';
import { PREVIOUS_SHIPPED_MODEL_FOLDER } from '../model/support/small-model.ts';
import {
  copyPreviousShippedModel,
  createModelsDir,
  PREVIOUS_SHIPPED_FOLDER,
  readShippedModel,
} from '../model-registry/support/model-folders.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { requestSet, seedCatalogAndSeeker } from '../support/workflow.ts';

const PREVIOUS_ID = 'aiguillage-ebm-1.0.0';
const SHIPPED_ID = 'aiguillage-ebm-1.1.0';
/** The SHA-256 of 1.0.0's model.onnx as deployments registered it: its folder must not change. */
const PREVIOUS_SHA256 = 'cc9db95d1f48406ab81d22fdb90c41cde23172b31806882bf54954d6ec3e346b';

describe('upgrading a deployment whose active model is the previously shipped 1.0.0', () => {
  let database: TestDatabase;
  let modelsDir: { dir: string; remove(): Promise<void> };
  let t: TestApp;
  let admin: string;
  let counselor: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    modelsDir = await createModelsDir();
    await copyPreviousShippedModel(modelsDir.dir);
    // Before the upgrade: 1.0.0 was the shipped model, registered and activated on the first start.
    const before = await startTestApp({
      database,
      env: { MODELS_DIR: modelsDir.dir, SHIPPED_MODEL: PREVIOUS_SHIPPED_FOLDER },
    });
    await before.container.close();
    // The upgrade: same database, the new default SHIPPED_MODEL.
    t = await startTestApp({ database, env: { MODELS_DIR: modelsDir.dir } });
    admin = await t.tokenFor('admin', 'ops-1');
    counselor = await t.tokenFor('counselor', 'c-001');
    await seedCatalogAndSeeker(t, 'js-1');
  });
  afterAll(async () => {
    await t.close();
    await modelsDir.remove();
  });

  it('keeps the 1.0.0 folder byte for byte as deployments registered it', async () => {
    expect((await readModelFolder(PREVIOUS_SHIPPED_MODEL_FOLDER)).sha256).toBe(PREVIOUS_SHA256);
  });

  it('registers 1.1.0 on start and leaves 1.0.0 active until an admin activates 1.1.0', async () => {
    const res = await t.http.get('/v1/models').auth(admin, { type: 'bearer' });
    expect(res.status).toBe(200);
    const models = res.body.items as Array<{
      id: string;
      status: string;
      registeredBy: string;
      sha256: string;
    }>;
    expect(models.map((model) => [model.id, model.status, model.registeredBy])).toEqual(
      expect.arrayContaining([
        [PREVIOUS_ID, 'active', 'startup'],
        [SHIPPED_ID, 'registered', 'startup'],
      ]),
    );
    expect(models).toHaveLength(2);
    expect(models.find((model) => model.id === SHIPPED_ID)?.sha256).toBe((await readShippedModel()).sha256);
    const registered = await t.container.decisionLog.decisionLog.listEvents({ types: ['model.registered'] });
    expect(registered.map((event) => event.payload.modelId)).toEqual([PREVIOUS_ID, SHIPPED_ID]);
    const activated = await t.container.decisionLog.decisionLog.listEvents({ types: ['model.activated'] });
    expect(activated.map((event) => event.payload.modelId)).toEqual([PREVIOUS_ID]);
  });

  it('still suggests with 1.0.0, loaded from its folder under its registered hashes', async () => {
    const res = await requestSet(t, counselor, 'js-1');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.model).toEqual({ id: PREVIOUS_ID, version: '1.0.0', sha256: PREVIOUS_SHA256 });
  });

  it('suggests with 1.1.0 once an admin activates it', async () => {
    const activation = await t.http
      .post(`/v1/models/${SHIPPED_ID}/activate`)
      .auth(admin, { type: 'bearer' })
      .send();
    expect(activation.status).toBe(200);
    const res = await requestSet(t, counselor, 'js-1');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.model).toMatchObject({ id: SHIPPED_ID, version: '1.1.0' });
  });
});
