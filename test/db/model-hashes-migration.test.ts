import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrateToLatest } from '../../src/db/migrations.ts';
import { KnexModelStore } from '../../src/model-registry/knex-model-store.ts';
import {
  createModelsDir,
  readShippedModel,
  rewordManifest,
  rewriteCard,
  SHIPPED_FOLDER,
} from '../model-registry/support/model-folders.ts';
import { indexOfMigration } from '../support/migrate-first.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { useTestDatabase } from '../support/use-test-database.ts';
import { requestSet, seedCatalogAndSeeker } from '../support/workflow.ts';

const MIGRATION = '20261130120000_hash_model_manifests_and_cards';
const SHIPPED_ID = 'aiguillage-ebm-1.1.0';

/**
 * Models registered before manifests and cards were hashed keep null hashes: nothing vouches for
 * their files as they are now, so they are loaded and their card served unchecked, as before.
 */
describe(`migration ${MIGRATION}`, () => {
  const opened = useTestDatabase({ migrations: { before: MIGRATION } });
  let modelsDir: { dir: string; remove(): Promise<void> };
  let t: TestApp | undefined;

  beforeAll(async () => {
    modelsDir = await createModelsDir();
  });
  afterAll(async () => {
    await t?.container.close();
    await modelsDir.remove();
  });

  it('leaves the hashes of models registered before it null, and those models still load, score and serve their card', async () => {
    const { database, db } = opened;
    const index = indexOfMigration(MIGRATION);
    const { manifest, sha256 } = await readShippedModel();
    await db('models').insert({
      id: SHIPPED_ID,
      name: manifest.name,
      version: manifest.version,
      sha256,
      folder: SHIPPED_FOLDER,
      manifest: JSON.stringify(manifest),
      status: 'active',
      registered_by: 'startup',
      registered_at: '2026-11-01T08:00:00.000Z',
      activated_by: 'startup',
      activated_at: '2026-11-01T08:00:00.000Z',
      retired_at: null,
    });

    expect(await migrateToLatest(db)).toEqual(MIGRATIONS.slice(index).map(([name]) => name));
    expect(await new KnexModelStore(db).findById(SHIPPED_ID)).toMatchObject({
      id: SHIPPED_ID,
      sha256,
      status: 'active',
      manifestSha256: null,
      cardSha256: null,
    });

    // Edited after registration: not checked, since no hash was registered for them.
    await rewordManifest(modelsDir.dir, SHIPPED_FOLDER);
    await rewriteCard(modelsDir.dir, SHIPPED_FOLDER);
    t = await startTestApp({ env: { MODELS_DIR: modelsDir.dir }, database });
    const admin = await t.tokenFor('admin', 'ops-1');
    const models = await t.http.get('/v1/models').auth(admin, { type: 'bearer' });
    expect(models.status).toBe(200);
    expect(models.body.items).toEqual([
      expect.objectContaining({ id: SHIPPED_ID, status: 'active', manifestSha256: null, cardSha256: null }),
    ]);
    expect((await t.http.get('/readyz')).body.checks.model).toBe('ok');

    await seedCatalogAndSeeker(t, 'js-1');
    const counselor = await t.tokenFor('counselor', 'c-001');
    const suggestions = await requestSet(t, counselor, 'js-1');
    expect(suggestions.status, JSON.stringify(suggestions.body)).toBe(201);
    expect(suggestions.body.model).toMatchObject({ id: SHIPPED_ID, sha256 });

    const card = await t.http.get(`/v1/models/${SHIPPED_ID}/card`).auth(counselor, { type: 'bearer' });
    expect(card.status).toBe(200);
    expect(card.text).toMatch(/no known limits/);
  });
});
