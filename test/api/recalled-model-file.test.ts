import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createModelsDir,
  type TestModelFolder,
  writeShippedVariant,
} from '../model-registry/support/model-folders.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** The shipped model, active from the start; its model.onnx is the variant's too. */
const SHIPPED_ID = 'aiguillage-ebm-1.1.0';
const PROBLEMS = 'https://aiguillage.example/problems/';
const RECALL_REASON = 'Écart de calibration constaté à la revue du 5 décembre';
const CLEARED = 'Revue du 12 décembre : écart dû au jeu de test, modèle validé par la référente IA';

interface ModelBody {
  id: string;
  status: string;
}

/**
 * A recall is for good (record 0017), but the recalled model.onnx registered again under another
 * version, or an older version holding the same file, would put that model back in front of people
 * without a word: only an admin's activation saying why it is sound after all does, and the log
 * names the recall it undoes; the system's activation at start never does.
 */
describe('activating a model whose model.onnx is a recalled model’s file', () => {
  let t: TestApp;
  let admin: string;
  let modelsDir: { dir: string; remove(): Promise<void> };
  let variant: TestModelFolder;
  let recallAnswer: Record<string, unknown>;

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    variant = await writeShippedVariant(modelsDir.dir, 'aiguillage-ebm-1.1.1', (manifest) => ({
      ...manifest,
      version: '1.1.1',
    }));
    t = await startTestApp({ env: { MODELS_DIR: modelsDir.dir } });
    admin = await t.tokenFor('admin', 'ops-1');
    const registered = await t.http
      .post('/v1/models')
      .auth(admin, { type: 'bearer' })
      .send({ folder: variant.folder, sha256: variant.sha256 });
    expect(registered.status).toBe(201);
    expect((await activate(variant.id)).status).toBe(200);
    const recalled = await t.http
      .post(`/v1/models/${variant.id}/recall`)
      .auth(admin, { type: 'bearer' })
      .send({ reason: RECALL_REASON });
    expect(recalled.status).toBe(200);
    recallAnswer = recalled.body;
  });
  afterAll(async () => {
    await t.close();
    await modelsDir.remove();
  });

  function activate(modelId: string, body?: object) {
    return t.http.post(`/v1/models/${modelId}/activate`).auth(admin, { type: 'bearer' }).send(body);
  }

  async function listModels(app: TestApp): Promise<ModelBody[]> {
    const res = await app.http
      .get('/v1/models')
      .auth(await app.tokenFor('admin', 'ops-1'), { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.body.items as ModelBody[];
  }

  it('names in the recall’s answer the models left holding the same file', () => {
    expect(recallAnswer.sameFileModels).toEqual([{ id: SHIPPED_ID, status: 'retired' }]);
  });

  it('does not activate it on start: the system has no word to give, and no model is active', async () => {
    await t.container.close();
    t = await startTestApp({ env: { MODELS_DIR: modelsDir.dir }, database: t.database });
    admin = await t.tokenFor('admin', 'ops-1');

    expect((await listModels(t)).map((model) => [model.id, model.status])).toEqual([
      [variant.id, 'recalled'],
      [SHIPPED_ID, 'retired'],
    ]);
    expect((await t.http.get('/readyz')).body.checks.model).toBe('not_configured');
  });

  it('refuses it without a reason with 422 recalled-model-file, naming the recall and what to do, activating and logging nothing', async () => {
    const { decisionLog } = t.container.decisionLog;
    const before = await decisionLog.readHead();

    const res = await activate(SHIPPED_ID);

    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: `${PROBLEMS}recalled-model-file`,
      recalledModelIds: [variant.id],
    });
    expect(res.body.detail).toContain(`is the file of the recalled model ${variant.id}`);
    expect(res.body.detail).toContain(RECALL_REASON);
    expect(res.body.detail).toMatch(
      /say in `reason` why it is sound after all .*or activate another registered model/,
    );
    expect((await listModels(t)).filter((model) => model.status === 'active')).toEqual([]);
    expect(await decisionLog.readHead()).toEqual(before);
  });

  it('activates it on the admin’s reason, model.activated naming the recalled model it brings back', async () => {
    const res = await activate(SHIPPED_ID, { reason: CLEARED });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: SHIPPED_ID, status: 'active' });
    const events = await t.container.decisionLog.decisionLog.listEvents({ types: ['model.activated'] });
    expect(events.at(-1)?.payload).toMatchObject({
      modelId: SHIPPED_ID,
      reason: CLEARED,
      recalledModelIds: [variant.id],
    });
    expect((await t.http.get('/readyz')).body.checks.model).toBe('ok');
  });

  it('still refuses the recalled model itself, whatever the reason', async () => {
    const res = await activate(variant.id, { reason: CLEARED });

    expect(res.status).toBe(409);
    expect(res.body.type).toBe(`${PROBLEMS}model-recalled`);
  });
});
