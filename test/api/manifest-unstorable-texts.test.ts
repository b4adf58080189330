import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../src/model/manifest.ts';
import { createModelsDir, writeShippedVariant } from '../model-registry/support/model-folders.ts';
import type { TestApp } from '../support/test-app.ts';
import { startTestApp } from '../support/test-app.ts';

/**
 * A manifest's texts reach the database: its labels are written into every explanation stored with
 * a suggestion. One holding a NUL was registered and activated, and then every suggestion of the
 * model was a 500 on PostgreSQL (stored on SQLite); one holding half of a surrogate pair gave an
 * explanation that read back otherwise than it was answered and logged (and otherwise on each
 * engine). Such a manifest is refused at registration, on both engines, naming the field.
 */
describe('a manifest text no engine stores as written', () => {
  let t: TestApp;
  let modelsDir: { dir: string; remove(): Promise<void> };

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    t = await startTestApp({ env: { MODELS_DIR: modelsDir.dir } });
  });
  afterAll(async () => {
    await t.close();
    await modelsDir.remove();
  });

  type Edit = (manifest: ModelManifest, odd: string) => ModelManifest;
  const firstFeature =
    (field: 'labelFr' | 'labelEn' | 'positivePhraseFr' | 'negativePhraseFr'): Edit =>
    (manifest, odd) => ({
      ...manifest,
      features: manifest.features.map((feature, f) =>
        f === 0 ? { ...feature, [field]: `${feature[field]} ${odd}` } : feature,
      ),
    });
  const fields: Array<[string, Edit]> = [
    ['$.features[0].labelFr', firstFeature('labelFr')],
    ['$.features[0].labelEn', firstFeature('labelEn')],
    ['$.features[0].positivePhraseFr', firstFeature('positivePhraseFr')],
    ['$.features[0].negativePhraseFr', firstFeature('negativePhraseFr')],
    ['$.description', (manifest, odd) => ({ ...manifest, description: `${manifest.description}${odd}` })],
  ];
  const texts: Array<[string, string]> = [
    ['a NUL', 'a\u0000b'],
    ['a lone surrogate', 'a\ud800b'],
  ];
  const cases = fields.flatMap(([path, edit]) =>
    texts.map(([label, odd]) => [path, label, edit, odd] as const),
  );

  it.each(cases)(
    '%s holding %s is refused with 422 naming it, and nothing is registered or logged',
    async (path, _label, edit, odd) => {
      const version = `9.0.${cases.findIndex((c) => c[0] === path && c[3] === odd)}`;
      const folder = await writeShippedVariant(modelsDir.dir, `odd-${version}`, (manifest) =>
        edit({ ...manifest, version }, odd),
      );
      const admin = await t.tokenFor('admin', 'ops-1');
      const models = await t.container.db('models').count({ n: '*' }).first();
      const events = await t.container.db('decision_events').count({ n: '*' }).first();

      const res = await t.http
        .post('/v1/models')
        .auth(admin, { type: 'bearer' })
        .send({ folder: folder.folder, sha256: folder.sha256 });

      expect(res.status, res.text).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toContain(path);
      expect(res.body.detail).toMatch(/NUL character.*lone surrogate/);
      expect(await t.container.db('models').count({ n: '*' }).first()).toEqual(models);
      expect(await t.container.db('decision_events').count({ n: '*' }).first()).toEqual(events);
    },
  );
});
