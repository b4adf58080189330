import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_FILE } from '../../src/model/model-folder.ts';
import { createModelsDir, removeModelFile, SHIPPED_FOLDER } from '../model-registry/support/model-folders.ts';
import { captureLogs } from '../support/captured-logs.ts';
import { STORAGE_CHECK, startTestApp, type TestApp } from '../support/test-app.ts';
import {
  aClock,
  requestManualSet,
  requestSet,
  seedCatalogAndSeeker,
  type TestClock,
} from '../support/workflow.ts';

const SHIPPED_ID = 'aiguillage-ebm-1.1.0';

/**
 * A first start on an empty database whose shipped model folder has lost its model.onnx: the
 * process starts and serves, shows why suggestions are refused where operators look (readiness,
 * the 503's reason), and registers the model by itself once the file is back, with the retry
 * interval set by MODEL_LOAD_RETRY_SECONDS.
 */
describe('a shipped model that cannot be registered', () => {
  let modelsDir: { dir: string; remove(): Promise<void> };
  let clock: TestClock;
  let t: TestApp;
  let counselor: string;
  let restoreModelFile: () => Promise<void>;
  const logs = captureLogs();

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    restoreModelFile = (await removeModelFile(modelsDir.dir, SHIPPED_FOLDER, MODEL_FILE)).restore;
    clock = aClock();
    t = await startTestApp({
      env: { MODELS_DIR: modelsDir.dir, MODEL_LOAD_RETRY_SECONDS: '5' },
      now: clock.now,
      logger: logs.logger,
    });
    await seedCatalogAndSeeker(t, 'js-1');
    counselor = await t.tokenFor('counselor', 'c-001');
  });
  afterAll(async () => {
    await t.close();
    await modelsDir.remove();
  });

  const registrationFailures = () => logs.find('error', /shipped model could not be registered/);

  it('starts and logs at error level which folder could not be registered and why', async () => {
    expect((await t.http.get('/healthz')).status).toBe(200);
    expect(registrationFailures()).toEqual([
      expect.objectContaining({
        folder: SHIPPED_FOLDER,
        reason: expect.stringMatching(/has no model\.onnx/),
      }),
    ]);
  });

  it('stays ready and reports the model check as unavailable, not as not_configured', async () => {
    const res = await t.http.get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ready',
      checks: { database: 'ok', model: 'unavailable', keys: 'ok', ...STORAGE_CHECK },
    });
  });

  it('refuses suggestions with 503 saying the shipped model could not be registered, the manual path, and the configured Retry-After', async () => {
    const res = await requestSet(t, counselor, 'js-1');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toMatchObject({
      type: 'https://aiguillage.example/problems/ai-unavailable',
      reason: 'shipped_model_not_registered',
      detail: expect.stringMatching(/the shipped model could not be registered/),
      manualPath: expect.stringMatching(/^\/v1\/courses\?/),
      manualSetPath: '/v1/job-seekers/js-1/manual-recommendations',
    });
  });

  it('lets the counselor start a set by hand, logged with the same reason', async () => {
    const res = await requestManualSet(t, counselor, 'js-1');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const events = await t.container.decisionLog.decisionLog.listEvents({
      types: ['recommendation.created_manually'],
    });
    expect(events.at(-1)?.payload).toMatchObject({ modelUnavailable: 'shipped_model_not_registered' });
  });

  it('registers and activates the shipped model once its file is back and the configured interval has passed, without a restart', async () => {
    expect(registrationFailures()).toHaveLength(1);
    await restoreModelFile();
    clock.advance(4_000);
    expect((await requestSet(t, counselor, 'js-1')).status).toBe(503);

    clock.advance(1_000);
    const res = await requestSet(t, counselor, 'js-1');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.model).toMatchObject({ id: SHIPPED_ID });
    expect((await t.http.get('/readyz')).body.checks.model).toBe('ok');
    const events = await t.container.decisionLog.decisionLog.listEvents({
      types: ['model.registered', 'model.activated'],
    });
    expect(events.map((event) => [event.type, event.actor.role])).toEqual([
      ['model.registered', 'system'],
      ['model.activated', 'system'],
    ]);
    expect(logs.find('info', /registered and activated/)).toHaveLength(1);
    expect(registrationFailures()).toHaveLength(1);
  });
});
