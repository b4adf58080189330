import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createModelsDir,
  type TestModelFolder,
  writeShippedVariant,
} from '../model-registry/support/model-folders.ts';
import type { TestApp } from '../support/test-app.ts';
import { createSet } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

describe('a model whose id is as long as the registry allows', () => {
  let t: TestApp;
  let counselor: string;
  let modelsDir: { dir: string; remove(): Promise<void> };
  let longNamed: TestModelFolder;

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    // A name and a version of 64 characters each: the longest id the registry takes.
    longNamed = await writeShippedVariant(modelsDir.dir, 'long-named', (manifest) => ({
      ...manifest,
      name: `aiguillage-${'n'.repeat(53)}`,
      version: `1.2.0-${'v'.repeat(58)}`,
    }));
    ({ t, counselor } = await startWorkflowApp({ env: { MODELS_DIR: modelsDir.dir } }));
  });
  afterAll(async () => {
    await t.close();
    await modelsDir.remove();
  });

  it('is registered, activated, and its suggestions are stored and read under its id', async () => {
    expect(longNamed.id).toHaveLength(129);
    const admin = await t.tokenFor('admin', 'ops-1');
    const registered = await t.http
      .post('/v1/models')
      .auth(admin, { type: 'bearer' })
      .send({ folder: longNamed.folder, sha256: longNamed.sha256 });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const activated = await t.http
      .post(`/v1/models/${longNamed.id}/activate`)
      .auth(admin, { type: 'bearer' })
      .send();
    expect(activated.status, JSON.stringify(activated.body)).toBe(200);

    const { set } = await createSet(t, counselor, 'js-1');

    expect(set.model?.id).toBe(longNamed.id);
    const queue = await t.http
      .get(`/v1/recommendations?modelId=${longNamed.id}`)
      .auth(counselor, { type: 'bearer' });
    expect(queue.body.items.map((summary: { id: string }) => summary.id)).toEqual([set.id]);
  });
});
