import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelsDir, rewordManifest, SHIPPED_FOLDER } from '../model-registry/support/model-folders.ts';
import { captureLogs } from '../support/captured-logs.ts';
import { STORAGE_CHECK, startTestApp, type TestApp } from '../support/test-app.ts';
import {
  aClock,
  objectToAi,
  putSettings,
  requestManualSet,
  requestSet,
  seedCatalogAndSeeker,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';

const SHIPPED_ID = 'aiguillage-ebm-1.1.0';
/** A person who objected to AI processing. */
const OBJECTOR = 'js-objector';

/**
 * A process whose active model cannot be loaded (here, its manifest.json was edited after
 * registration) starts and serves: suggestions are refused with the manual path, which works, and
 * the model is loaded again once its files are back and the retry interval has passed.
 */
describe('an active model that cannot be loaded', () => {
  let modelsDir: { dir: string; remove(): Promise<void> };
  let clock: TestClock;
  let t: TestApp;
  let counselor: string;
  let restoreManifest: () => Promise<void>;
  const logs = captureLogs();

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    clock = aClock();
    const env = { MODELS_DIR: modelsDir.dir };
    const before = await startTestApp({ env, now: clock.now });
    await seedCatalogAndSeeker(before, 'js-1');
    await syncSeeker(before, OBJECTOR);
    await objectToAi(before, OBJECTOR);
    await before.container.close();

    // Someone edits a phrase shown to job seekers in the models directory, then the process restarts.
    restoreManifest = (await rewordManifest(modelsDir.dir, SHIPPED_FOLDER)).restore;
    t = await startTestApp({ env, now: clock.now, database: before.database, logger: logs.logger });
    counselor = await t.tokenFor('counselor', 'c-001');
  });
  afterAll(async () => {
    await t.close();
    await modelsDir.remove();
  });

  const loadFailures = () => logs.find('error', /the active model could not be loaded/);

  it('starts and serves, and logs at error level why the active model could not be loaded', async () => {
    expect((await t.http.get('/healthz')).status).toBe(200);
    const search = await t.http.get('/v1/courses?active=true').auth(counselor, { type: 'bearer' });
    expect(search.status).toBe(200);
    expect(loadFailures()).toEqual([
      expect.objectContaining({
        modelId: SHIPPED_ID,
        reason: expect.stringMatching(/manifest\.json is no longer the one registered/),
      }),
    ]);
  });

  it('answers 503 to a suggestion request, with the model_unavailable reason and the manual path, which works', async () => {
    const res = await requestSet(t, counselor, 'js-1');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'https://aiguillage.example/problems/ai-unavailable',
      status: 503,
      reason: 'model_unavailable',
      detail: expect.stringMatching(/the active model could not be loaded/),
      manualPath: expect.stringMatching(/^\/v1\/courses\?/),
      manualSetPath: '/v1/job-seekers/js-1/manual-recommendations',
    });
    const search = await t.http.get(res.body.manualPath).auth(counselor, { type: 'bearer' });
    expect(search.status).toBe(200);
    expect(search.body.items.length).toBeGreaterThan(0);
  });

  it("says when to ask again: Retry-After on the 503 is the registry's retry interval, 30 seconds", async () => {
    const res = await requestSet(t, counselor, 'js-1');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
  });

  it('lets the counselor start a set by hand, logged with the model_unavailable reason', async () => {
    const res = await requestManualSet(t, counselor, 'js-1');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ model: null, status: 'pending_review' });
    const events = await t.container.decisionLog.decisionLog.listEvents({
      types: ['recommendation.created_manually'],
    });
    expect(events.at(-1)?.payload).toMatchObject({
      setId: res.body.id,
      modelUnavailable: 'model_unavailable',
    });
  });

  it('still gives the switch-off and the objection first, as 409s', async () => {
    await putSettings(t, { aiEnabled: false });
    try {
      const switchedOff = await requestSet(t, counselor, 'js-1');
      expect(switchedOff.status).toBe(409);
      expect(switchedOff.body.reason).toBe('switched_off');
    } finally {
      await putSettings(t, {});
    }
    const objected = await requestSet(t, counselor, OBJECTOR);
    expect(objected.status).toBe(409);
    expect(objected.body.reason).toBe('objection');
  });

  it('keeps the instance ready and reports the model check as unavailable', async () => {
    const res = await t.http.get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ready',
      checks: { database: 'ok', model: 'unavailable', keys: 'ok', ...STORAGE_CHECK },
    });
  });

  it('does not try to load the model on every request, and loads it again once its files are restored and the retry interval has passed', async () => {
    // Every request so far was answered from the first failure: no new attempt, no new log line.
    expect(loadFailures()).toHaveLength(1);
    await restoreManifest();
    clock.advance(29_000);
    expect((await requestSet(t, counselor, 'js-1')).status).toBe(503);

    clock.advance(1_000);
    const res = await requestSet(t, counselor, 'js-1');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.model).toMatchObject({ id: SHIPPED_ID });
    expect((await t.http.get('/readyz')).body.checks.model).toBe('ok');
    expect(logs.find('info', /loaded again/)).toHaveLength(1);
    expect(loadFailures()).toHaveLength(1);
  });
});

describe('the active model activated again while this process could not load it', () => {
  let modelsDir: { dir: string; remove(): Promise<void> };
  let t: TestApp;

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    const env = { MODELS_DIR: modelsDir.dir };
    const before = await startTestApp({ env });
    await seedCatalogAndSeeker(before, 'js-1');
    await before.container.close();
    const { restore } = await rewordManifest(modelsDir.dir, SHIPPED_FOLDER);
    t = await startTestApp({ env, database: before.database, logger: captureLogs().logger });
    await restore();
  });
  afterAll(async () => {
    await t.close();
    await modelsDir.remove();
  });

  it('serves it at once, without waiting for the retry interval, and logs the act as no change', async () => {
    const counselor = await t.tokenFor('counselor', 'c-001');
    expect((await requestSet(t, counselor, 'js-1')).status).toBe(503);
    const activations = async () =>
      t.container.decisionLog.decisionLog.listEvents({ types: ['model.activated'], limit: 1000 });
    const before = (await activations()).length;

    const res = await t.http
      .post(`/v1/models/${SHIPPED_ID}/activate`)
      .auth(await t.tokenFor('admin', 'ops-1'), { type: 'bearer' })
      .send();

    expect(res.status).toBe(200);
    const after = await activations();
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)?.payload).toMatchObject({
      modelId: SHIPPED_ID,
      previousModelId: SHIPPED_ID,
      alreadyActive: true,
    });
    expect((await requestSet(t, counselor, 'js-1')).status).toBe(201);
  });
});
