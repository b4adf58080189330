import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSha256, MANIFEST_FILE, MODEL_FILE } from '../../src/model/model-folder.ts';
import { createModelsDir, writeShippedVariant } from '../model-registry/support/model-folders.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * A model file damaged on its way to the models directory (a copy cut short, bytes that are no
 * model, a file left empty) is refused at registration with the file named and what to do, in the
 * admin's words rather than the runtime's or the JSON parser's alone.
 */
describe('registering a model folder whose model.onnx or manifest.json cannot be read', () => {
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

  async function registeredIds(): Promise<string[]> {
    const res = await t.http.get('/v1/models').auth(admin, { type: 'bearer' });
    return (res.body.items as Array<{ id: string }>).map((model) => model.id);
  }

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

      const res = await t.http
        .post('/v1/models')
        .auth(admin, { type: 'bearer' })
        .send({ folder: folder.folder, sha256: computeSha256(bytes) });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toMatch(detail);
      expect(res.body.detail).toMatch(/copy .* again|export it again/);
      expect(await registeredIds()).not.toContain(folder.id);
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

    const res = await t.http
      .post('/v1/models')
      .auth(admin, { type: 'bearer' })
      .send({ folder: folder.folder, sha256: folder.sha256 });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toMatch(
      /the manifest is not valid: .*manifest\.json is not JSON \(.*position \d+.*\): copy the whole file again/,
    );
    expect(await registeredIds()).not.toContain(folder.id);
  });
});
