import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { components } from '../../src/http/generated/api.ts';
import { createModelsDir, writeShippedVariant } from '../model-registry/support/model-folders.ts';
import { createGate } from '../support/gate.ts';
import { activateModelAndSuggest } from '../support/model-activated-meanwhile.ts';
import type { TestApp } from '../support/test-app.ts';
import { createSet, requestAccessRecord, type SetBody } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

type AccessRecordBody = components['schemas']['AccessRecord'];

const SHIPPED_ID = 'aiguillage-ebm-1.1.0';

/**
 * A model registered and activated, and a set made with it, while an access record waits for the
 * log's lock: the record reads the registry behind that lock, as it reads the sets, so it describes
 * the model the set names as the log then stands.
 */
describe('the access record of a person suggested courses by a model activated while it waited', () => {
  let t: TestApp;
  let modelsDir: { dir: string; remove(): Promise<void> };
  let earlier: SetBody;
  let later: SetBody;
  let record: AccessRecordBody;

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    // Same ONNX file, another manifest: another model in the registry.
    const newer = await writeShippedVariant(modelsDir.dir, 'aiguillage-ebm-1.2.0', (manifest) => ({
      ...manifest,
      version: '1.2.0',
    }));
    let counselor: string;
    ({ t, counselor } = await startWorkflowApp({ env: { MODELS_DIR: modelsDir.dir } }));
    const admin = await t.tokenFor('admin', 'ops-1');
    earlier = (await createSet(t, counselor, 'js-1')).set;

    // The record's request waits at the start of its transaction while the admin and the counselor act.
    const log = t.container.decisionLog.decisionLog;
    const original = log.withTransaction.bind(log);
    const reached = createGate();
    const resumed = createGate();
    let held = true;
    (log as { withTransaction: typeof log.withTransaction }).withTransaction = (async (work: never) => {
      if (held) {
        held = false;
        reached.open();
        await resumed.opened;
      }
      return original(work);
    }) as typeof log.withTransaction;
    const answer = requestAccessRecord(t, admin, 'js-1').then((res) => res);
    await reached.opened;
    later = await activateModelAndSuggest(t, { admin, counselor }, newer, 'js-1');
    resumed.open();
    const res = await answer;
    (log as { withTransaction: typeof log.withTransaction }).withTransaction = original;
    expect(res.status).toBe(200);
    record = res.body as AccessRecordBody;
  });
  afterAll(async () => {
    await t.close();
    await modelsDir.remove();
  });

  it('names the feature values of the set the newer model made, as its manifest names them', () => {
    const set = record.suggestionSets.find((found) => found.id === later.id);
    expect(set?.items.length).toBeGreaterThan(0);
    for (const item of set?.items ?? []) {
      expect(item.features?.length).toBeGreaterThan(5);
      for (const feature of item.features ?? []) {
        expect(feature.label).not.toBeNull();
        expect(item.attributions).toContainEqual(
          expect.objectContaining({ feature: feature.feature, label: feature.label, value: feature.value }),
        );
      }
    }
  });

  it('states the newer model active and the shipped one retired, both used for the person', () => {
    expect(record.suggestionSets.map((set) => set.id)).toEqual([later.id, earlier.id]);
    expect(
      record.processing.logic.models.map((model) => [model.id, model.active, model.usedForPerson]),
    ).toEqual([
      [later.model?.id, true, true],
      [SHIPPED_ID, false, true],
    ]);
  });
});
