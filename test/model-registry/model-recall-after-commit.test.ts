import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelStore } from '../../src/model-registry/model-store.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createModelsDir, type TestModelFolder, writeShippedVariant } from './support/model-folders.ts';

/** A recall answers from what its transaction wrote: no read after the commit can answer it as undone. */
describe('a recall whose answer cannot be read back after it committed', () => {
  let t: TestApp;
  let modelsDir: { dir: string; remove(): Promise<void> };
  let next: TestModelFolder;

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    next = await writeShippedVariant(modelsDir.dir, 'aiguillage-ebm-1.2.0', (manifest) => ({
      ...manifest,
      version: '1.2.0',
    }));
    t = await startTestApp({ env: { MODELS_DIR: modelsDir.dir } });
  });
  afterAll(async () => {
    await t.close();
    await modelsDir.remove();
  });

  it('answers the recall as done when a read after its commit would fail, and its retry 409', async () => {
    const admin = await t.tokenFor('admin', 'ops-1');
    expect(
      (
        await t.http
          .post('/v1/models')
          .auth(admin, { type: 'bearer' })
          .send({ folder: next.folder, sha256: next.sha256 })
      ).status,
    ).toBe(201);
    const store = (t.container.services.models as unknown as { deps: { store: ModelStore } }).deps.store;
    const findById = store.findById.bind(store);
    let reads = 0;
    store.findById = async (...args: Parameters<ModelStore['findById']>) => {
      reads += 1;
      // The read after the commit: knex found no free connection in time.
      if (reads === 3 && args[1] === undefined) {
        throw Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), {
          name: 'KnexTimeoutError',
        });
      }
      return findById(...args);
    };
    const recall = () =>
      t.http
        .post(`/v1/models/${next.id}/recall`)
        .auth(admin, { type: 'bearer' })
        .send({ reason: 'Scores trop élevés pour les formations longues' });
    let first: Awaited<ReturnType<typeof recall>>;
    try {
      first = await recall();
    } finally {
      store.findById = findById;
    }
    const recalled = await t.container.decisionLog.decisionLog.listEvents({ types: ['model.recalled'] });
    expect(recalled).toHaveLength(1);
    const retry = await recall();
    expect({ first: first.status, detail: first.body?.detail, retry: retry.status }).toEqual({
      first: 200,
      detail: undefined,
      retry: 409,
    });
  });
});
