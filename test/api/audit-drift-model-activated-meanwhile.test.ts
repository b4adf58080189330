import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { components } from '../../src/http/generated/api.ts';
import { createModelsDir, writeShippedVariant } from '../model-registry/support/model-folders.ts';
import { createGate } from '../support/gate.ts';
import { activateModelAndSuggest } from '../support/model-activated-meanwhile.ts';
import type { TestApp } from '../support/test-app.ts';
import { createSet, type SetBody } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

type DriftStatsBody = components['schemas']['DriftStats'];

const SHIPPED_ID = 'aiguillage-ebm-1.1.0';

/**
 * A model registered and activated, and a set made with it, while the drift figures wait to read
 * the log's head: the figures read the registry with that head, so they compare the new model's set
 * with its own reference and say which model is active as the log then stands.
 */
describe('the drift figures of a set made by a model activated while they waited', () => {
  let t: TestApp;
  let modelsDir: { dir: string; remove(): Promise<void> };
  let later: SetBody;
  let drift: DriftStatsBody;

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    // Same ONNX file, another manifest: another model in the registry, with the same reference.
    const newer = await writeShippedVariant(modelsDir.dir, 'aiguillage-ebm-1.2.0', (manifest) => ({
      ...manifest,
      version: '1.2.0',
    }));
    let counselor: string;
    ({ t, counselor } = await startWorkflowApp({
      env: { MODELS_DIR: modelsDir.dir, AUDIT_MIN_PEOPLE: '1' },
    }));
    const admin = await t.tokenFor('admin', 'ops-1');
    const auditor = await t.tokenFor('auditor', 'dpo-1');
    await createSet(t, counselor, 'js-1');

    // The figures' request waits as it goes to read the log's head (alone, or in a transaction
    // locking it), while the admin and the counselor act.
    const log = t.container.decisionLog.decisionLog;
    const patched = log as { readHead: typeof log.readHead; withTransaction: typeof log.withTransaction };
    const originals = { readHead: log.readHead.bind(log), withTransaction: log.withTransaction.bind(log) };
    const reached = createGate();
    const resumed = createGate();
    let held = true;
    const holdOnce = async () => {
      if (!held) return;
      held = false;
      reached.open();
      await resumed.opened;
    };
    patched.readHead = async () => {
      await holdOnce();
      return originals.readHead();
    };
    patched.withTransaction = (async (work: never) => {
      await holdOnce();
      return originals.withTransaction(work);
    }) as typeof log.withTransaction;
    const answer = t.http
      .get('/v1/audit/stats/drift')
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'drift review after a release')
      .then((res) => res);
    await reached.opened;
    later = await activateModelAndSuggest(t, { admin, counselor }, newer, 'js-1');
    resumed.open();
    const res = await answer;
    Object.assign(patched, originals);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    drift = res.body as DriftStatsBody;
  });
  afterAll(async () => {
    await t.close();
    await modelsDir.remove();
  });

  it('compares the set of the newer model with its reference, none counted as of an unknown model', () => {
    expect(drift.unknownModelSets).toBe(0);
    const newer = drift.models.find((model) => model.modelId === later.model?.id);
    expect(newer).toMatchObject({ modelVersion: '1.2.0', sets: 1, people: 1, withheld: false });
    expect(newer?.vectors).toBe(later.items.length);
    expect(newer?.features.every((feature) => feature.psi !== null)).toBe(true);
  });

  it('states the newer model active and the shipped one retired', () => {
    expect(drift.models.map((model) => [model.modelId, model.active, model.sets])).toEqual([
      [SHIPPED_ID, false, 1],
      [later.model?.id, true, 1],
    ]);
  });
});
