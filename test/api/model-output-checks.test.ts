import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelFolder } from '../../src/model/model-folder.ts';
import { KnexModelStore } from '../../src/model-registry/knex-model-store.ts';
import type { RegisteredModel } from '../../src/model-registry/registered-model.ts';
import {
  createModelsDir,
  type LinearModelOptions,
  type TestModelFolder,
  writeLinearModelFolder,
  writeMisshapenInputModelFolder,
} from '../model-registry/support/model-folders.ts';
import { captureLogs } from '../support/captured-logs.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { aClock, requestSet, seedCatalogAndSeeker } from '../support/workflow.ts';

const OUTPUTS_INVALID = 'https://aiguillage.example/problems/model-outputs-invalid';
const SHIPPED_ID = 'aiguillage-ebm-1.1.0';

/**
 * The model contract (DESIGN.md): input float32 [N, F]; `score` one probability per row;
 * `contributions` [N, F], for exact-additive attributions adding up to the score with the
 * intercept. A model breaking it is found on reference rows when it is loaded, and refused before
 * counselors and job seekers meet it.
 */
describe('models whose outputs break the model contract', () => {
  let t: TestApp;
  let modelsDir: { dir: string; remove(): Promise<void> };
  let admin: string;

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    t = await startTestApp({ env: { MODELS_DIR: modelsDir.dir } });
    admin = await t.tokenFor('admin', 'ops-1');
  });
  afterAll(async () => {
    await t.close();
    await modelsDir.remove();
  });

  function register({ folder, sha256 }: TestModelFolder) {
    return t.http.post('/v1/models').auth(admin, { type: 'bearer' }).send({ folder, sha256 });
  }
  async function registeredIds(): Promise<string[]> {
    const res = await t.http.get('/v1/models').auth(admin, { type: 'bearer' });
    return (res.body.items as Array<{ id: string }>).map((model) => model.id);
  }
  async function loggedModelIds(type: 'model.registered' | 'model.activated'): Promise<unknown[]> {
    const events = await t.container.decisionLog.decisionLog.listEvents({ types: [type] });
    return events.map((event) => (event.payload as { modelId?: unknown }).modelId);
  }

  describe('registering', () => {
    const refusals: Array<[string, LinearModelOptions, RegExp]> = [
      ['whose score is not a probability (up to 2)', { score: 'double' }, /probability between 0 and 1/],
      ['whose score is NaN for every row', { score: 'nan' }, /probability between 0 and 1; it gave NaN/],
      [
        'whose score is [N, 2] (p and 1 − p) instead of one per row',
        { score: 'two-columns' },
        /one score per row .* got \[\d+, 2\]/,
      ],
      ['whose input takes one row at a time ([1, F])', { batch: 1 }, /cannot score \d+ rows in one run/],
      [
        'with exact contributions that do not add up to its score (their opposite)',
        { contributions: 'reversed' },
        /must add up to its score/,
      ],
    ];
    it.each([
      [
        '14 columns',
        { columns: 14 },
        /input x is float32 \[N, 14\]; the model contract needs float32 \[N, 15\]/,
      ],
      [
        '16 columns',
        { columns: 16 },
        /input x is float32 \[N, 16\]; the model contract needs float32 \[N, 15\]/,
      ],
      [
        'float64 values',
        { inputType: 'double' as const },
        /input x is float64 \[N, 15\]; the model contract needs float32 \[N, 15\]/,
      ],
    ])(
      'refuses (422 model-outputs-invalid) a model whose input holds %s, saying what the contract needs and how to export it, registering nothing',
      async (what, options, detail) => {
        const model = await writeMisshapenInputModelFolder(modelsDir.dir, {
          name: `misshapen-${what.replace(/\W+/g, '-')}`,
          ...options,
        });
        const res = await register(model);
        expect(res.status, JSON.stringify(res.body)).toBe(422);
        expect(res.body).toMatchObject({ type: OUTPUTS_INVALID, detail: expect.stringMatching(detail) });
        expect(res.body.detail).toMatch(/export the model again with a float32 input of 15 columns/);
        expect(await registeredIds()).not.toContain(model.id);
      },
    );
    it.each(refusals)(
      'refuses (422 model-outputs-invalid) a model %s, registering and logging nothing',
      async (what, options, detail) => {
        const name = `broken-${refusals.findIndex(([other]) => other === what)}`;
        const model = await writeLinearModelFolder(modelsDir.dir, { name, ...options });
        const res = await register(model);
        expect(res.status, JSON.stringify(res.body)).toBe(422);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({ type: OUTPUTS_INVALID, detail: expect.stringMatching(detail) });
        expect(await registeredIds()).not.toContain(model.id);
        expect(await loggedModelIds('model.registered')).not.toContain(model.id);
      },
    );
  });

  describe('activating', () => {
    it('refuses (422 model-outputs-invalid) a model registered before outputs were checked, and the active one serves on', async () => {
      const model = await writeLinearModelFolder(modelsDir.dir, {
        name: 'registered-before',
        score: 'double',
      });
      // Its row as a registration made before the check wrote it.
      const { manifest, manifestSha256 } = await readModelFolder(`${modelsDir.dir}/${model.folder}`);
      const row: RegisteredModel = {
        id: model.id,
        name: manifest.name,
        version: manifest.version,
        sha256: model.sha256,
        manifestSha256,
        cardSha256: null,
        folder: model.folder,
        manifest,
        status: 'registered',
        registeredBy: 'ops-1',
        registeredAt: new Date().toISOString(),
        activatedBy: null,
        activatedAt: null,
        retiredAt: null,
        recall: null,
      };
      await t.container.db.transaction((trx) => new KnexModelStore(t.container.db).insert(trx, row));

      const res = await t.http.post(`/v1/models/${model.id}/activate`).auth(admin, { type: 'bearer' }).send();
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        type: OUTPUTS_INVALID,
        detail: expect.stringMatching(/probability between 0 and 1/),
      });
      const models = (await t.http.get('/v1/models').auth(admin, { type: 'bearer' })).body.items as Array<{
        id: string;
        status: string;
      }>;
      expect(models.filter((listed) => listed.status === 'active').map((listed) => listed.id)).toEqual([
        SHIPPED_ID,
      ]);
      expect(await loggedModelIds('model.activated')).not.toContain(model.id);
    });
  });
});

describe('a shipped model whose outputs break the model contract', () => {
  let t: TestApp;
  let modelsDir: { dir: string; remove(): Promise<void> };
  let shipped: TestModelFolder;
  const logs = captureLogs();

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    shipped = await writeLinearModelFolder(modelsDir.dir, { name: 'shipped-broken', batch: 1 });
    t = await startTestApp({
      env: { MODELS_DIR: modelsDir.dir, SHIPPED_MODEL: shipped.folder },
      now: aClock().now,
      logger: logs.logger,
    });
    await seedCatalogAndSeeker(t, 'js-1');
  });
  afterAll(async () => {
    await t.close();
    await modelsDir.remove();
  });

  it('is neither registered nor activated on start: suggestions answer 503 with the manual path, and the log says why', async () => {
    const counselor = await t.tokenFor('counselor', 'c-001');
    const res = await requestSet(t, counselor, 'js-1');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ reason: 'shipped_model_not_registered' });
    expect(await t.container.decisionLog.decisionLog.listEvents({ types: ['model.registered'] })).toEqual([]);
    expect(logs.find('error', /shipped model could not be registered/)).toEqual([
      expect.objectContaining({
        folder: shipped.folder,
        reason: expect.stringMatching(/break the model contract.*cannot score \d+ rows in one run/),
      }),
    ]);
  });
});

describe('a model whose outputs are float64', () => {
  let t: TestApp;
  let modelsDir: { dir: string; remove(): Promise<void> };

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    t = await startTestApp({ env: { MODELS_DIR: modelsDir.dir }, now: aClock().now });
    await seedCatalogAndSeeker(t, 'js-1');
  });
  afterAll(async () => {
    await t.close();
    await modelsDir.remove();
  });

  it('is registered and activated (the contract sets float32 for the input only), and suggests with its exact contributions', async () => {
    const admin = await t.tokenFor('admin', 'ops-1');
    const model = await writeLinearModelFolder(modelsDir.dir, {
      name: 'doubles',
      outputType: 'double',
      contributions: 'true',
    });
    const registered = await t.http
      .post('/v1/models')
      .auth(admin, { type: 'bearer' })
      .send({ folder: model.folder, sha256: model.sha256 });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const activated = await t.http
      .post(`/v1/models/${model.id}/activate`)
      .auth(admin, { type: 'bearer' })
      .send();
    expect(activated.status, JSON.stringify(activated.body)).toBe(200);

    const res = await requestSet(t, await t.tokenFor('counselor', 'c-001'), 'js-1');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      model: { id: model.id, sha256: model.sha256 },
      attributionMethod: { method: 'exact-additive' },
    });
    expect(res.body.items.length).toBeGreaterThan(0);
  });
});
