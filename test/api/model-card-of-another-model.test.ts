import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_FILE, MODEL_FILE } from '../../src/model/model-folder.ts';
import { PREVIOUS_SHIPPED_MODEL_FOLDER } from '../model/support/small-model.ts';
import {
  createModelsDir,
  hashModelFile,
  writeShippedVariant,
} from '../model-registry/support/model-folders.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * A model steward who trains a new version and copies an older folder's card beside it (or keeps the
 * card of an earlier training) would have the registry serve, as this model's card, another model's
 * evaluation and figures per group. The card names the SHA-256 of the model.onnx it describes.
 */
describe('registering a model whose card is the card of another model', () => {
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

  function register(folder: string, sha256: string) {
    return t.http.post('/v1/models').auth(admin, { type: 'bearer' }).send({ folder, sha256 });
  }
  async function registeredIds(): Promise<string[]> {
    const res = await t.http.get('/v1/models').auth(admin, { type: 'bearer' });
    return (res.body.items as Array<{ id: string }>).map((model) => model.id);
  }
  async function loggedModelIds(): Promise<unknown[]> {
    const events = await t.container.decisionLog.decisionLog.listEvents({ types: ['model.registered'] });
    return events.map((event) => (event.payload as { modelId?: unknown }).modelId);
  }

  it('refuses (422) a card naming the SHA-256 of another model.onnx, saying both hashes and what to do, registering and logging nothing', async () => {
    const copied = await writeShippedVariant(modelsDir.dir, 'ebm-copied-card-1.2.0', (manifest) => ({
      ...manifest,
      version: '1.2.0-copied-card',
    }));
    const previousCard = await readFile(path.join(PREVIOUS_SHIPPED_MODEL_FOLDER, CARD_FILE), 'utf8');
    await writeFile(path.join(modelsDir.dir, copied.folder, CARD_FILE), previousCard);
    const previousSha = await hashModelFile(
      path.dirname(PREVIOUS_SHIPPED_MODEL_FOLDER),
      path.basename(PREVIOUS_SHIPPED_MODEL_FOLDER),
      MODEL_FILE,
    );

    const res = await register(copied.folder, copied.sha256);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      file: CARD_FILE,
      modelSha256: copied.sha256,
      cardNamesSha256: [previousSha],
      detail: expect.stringMatching(/card of another model.*register it again/),
    });
    expect(await registeredIds()).not.toContain(copied.id);
    expect(await loggedModelIds()).not.toContain(copied.id);
  });

  it("registers a card naming this model.onnx's SHA-256 beside others (the model it replaces), whatever their case", async () => {
    const replacing = await writeShippedVariant(modelsDir.dir, 'ebm-replacing-1.2.0', (manifest) => ({
      ...manifest,
      version: '1.2.0-replacing',
    }));
    const card = path.join(modelsDir.dir, replacing.folder, CARD_FILE);
    const own = await readFile(card, 'utf8');
    await writeFile(
      card,
      own.replace(replacing.sha256, replacing.sha256.toUpperCase()) +
        `\nReplaces the model whose model.onnx has SHA-256 ${'c'.repeat(64)}.\n`,
    );

    const res = await register(replacing.folder, replacing.sha256);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(await registeredIds()).toContain(replacing.id);
  });

  it('registers a card written by hand that names no SHA-256: nothing in it says which file it describes', async () => {
    const handWritten = await writeShippedVariant(modelsDir.dir, 'ebm-hand-card-1.2.0', (manifest) => ({
      ...manifest,
      version: '1.2.0-hand-card',
    }));
    await writeFile(
      path.join(modelsDir.dir, handWritten.folder, CARD_FILE),
      '# Model card\n\nA gradient-boosted model exported from Python. Not for use.\n',
    );

    const res = await register(handWritten.folder, handWritten.sha256);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });
});
