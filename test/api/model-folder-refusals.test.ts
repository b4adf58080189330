import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_FILE, computeSha256, MANIFEST_FILE, MODEL_FILE } from '../../src/model/model-folder.ts';
import { PREVIOUS_SHIPPED_MODEL_FOLDER } from '../model/support/small-model.ts';
import {
  createModelsDir,
  hashModelFile,
  writeShippedVariant,
} from '../model-registry/support/model-folders.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * The mistakes a model steward makes with a model folder, each refused at registration with the file
 * named and what to do, nothing registered nor logged.
 */
describe('registering a model folder a model steward got wrong', () => {
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

  /**
   * A steward who trains a new version and copies an older folder's card beside it (or keeps the card
   * of an earlier training) would have the registry serve, as this model's card, another model's
   * evaluation and figures per group. The card names the SHA-256 of the model.onnx it describes.
   */
  describe('whose card is the card of another model', () => {
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

  /**
   * A model file damaged on its way to the models directory (a copy cut short, bytes that are no
   * model, a file left empty), told in the admin's words rather than the runtime's or the JSON
   * parser's alone.
   */
  describe('whose model.onnx or manifest.json cannot be read', () => {
    const damaged: Array<[string, (onnx: Buffer) => Buffer, RegExp]> = [
      ['cut short', (onnx) => onnx.subarray(0, Math.floor(onnx.length / 2)), /could not read model\.onnx/],
      [
        'replaced by bytes that are no model',
        (onnx) => Buffer.alloc(onnx.length, 0x5a),
        /could not read model\.onnx/,
      ],
      ['left empty', () => Buffer.alloc(0), /model\.onnx is empty/],
    ];
    it.each(damaged)(
      'refuses (422) a model.onnx %s, naming the file and saying to copy or export it again, registering nothing',
      async (what, damage, detail) => {
        const index = damaged.findIndex(([other]) => other === what);
        const folder = await writeShippedVariant(modelsDir.dir, `ebm-damaged-${index}`, (manifest) => ({
          ...manifest,
          version: `1.2.0-damaged-${index}`,
        }));
        const file = path.join(modelsDir.dir, folder.folder, MODEL_FILE);
        const bytes = damage(await readFile(file));
        await writeFile(file, bytes);

        const res = await register(folder.folder, computeSha256(bytes));
        expect(res.status, JSON.stringify(res.body)).toBe(422);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.detail).toMatch(detail);
        expect(res.body.detail).toMatch(/copy .* again|export it again/);
        expect(await registeredIds()).not.toContain(folder.id);
      },
    );

    it.each([MODEL_FILE, MANIFEST_FILE, CARD_FILE])(
      'refuses (422) a folder whose %s is a folder, naming the file and saying to copy the file itself, registering nothing',
      async (file) => {
        const folder = await writeShippedVariant(modelsDir.dir, `ebm-folder-for-${file}`, (manifest) => ({
          ...manifest,
          version: `1.2.0-folder-for-${file.replace(/[^a-z]/gi, '')}`,
        }));
        const place = path.join(modelsDir.dir, folder.folder, file);
        await rm(place);
        await mkdir(place);

        const res = await register(folder.folder, folder.sha256);
        expect(res.status, JSON.stringify(res.body)).toBe(422);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({ type: 'https://aiguillage.example/problems/invalid-input', file });
        expect(res.body.detail).toBe(
          `${file} of folder ${folder.folder} is a folder, not a file: copy the file itself there, in place of ` +
            'the folder of that name, or export the model again',
        );
        expect(await registeredIds()).not.toContain(folder.id);
        expect(await loggedModelIds()).not.toContain(folder.id);
      },
    );

    it('refuses (422) a manifest.json that is not JSON, naming the file and where it breaks, registering nothing', async () => {
      const folder = await writeShippedVariant(modelsDir.dir, 'ebm-cut-manifest', (manifest) => ({
        ...manifest,
        version: '1.2.0-cut-manifest',
      }));
      const file = path.join(modelsDir.dir, folder.folder, MANIFEST_FILE);
      const text = await readFile(file, 'utf8');
      await writeFile(file, text.slice(0, Math.floor(text.length / 2)));

      const res = await register(folder.folder, folder.sha256);
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toMatch(
        /the manifest is not valid: .*manifest\.json is not JSON \(.*position \d+.*\): copy the whole file again/,
      );
      expect(await registeredIds()).not.toContain(folder.id);
    });
  });
});
