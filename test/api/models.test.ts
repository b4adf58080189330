import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/auth/principal.ts';
import type { DecisionEventType } from '../../src/decision-log/decision-event.ts';
import { CARD_FILE, MANIFEST_FILE, MODEL_FILE } from '../../src/model/model-folder.ts';
import {
  changeModelFile,
  createModelsDir,
  hashModelFile,
  readShippedModel,
  rewordManifest,
  rewriteCard,
  SHIPPED_FOLDER,
  type TestModelFolder,
  writeMlpModelFolder,
  writeShippedVariant,
} from '../model-registry/support/model-folders.ts';
import { aLoggedTextRefusal, PERSON_ID_REFUSAL, trackAppended } from '../support/logged-text-refusals.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

interface ModelBody {
  id: string;
  status: 'registered' | 'active' | 'retired';
  sha256: string;
  manifestSha256: string | null;
  cardSha256: string | null;
  attributionMethod: string;
  registeredBy: string;
  activatedBy: string | null;
  activatedAt: string | null;
  retiredAt: string | null;
}

describe('model registry API', () => {
  let t: TestApp;
  let modelsDir: { dir: string; remove(): Promise<void> };
  let admin: string;
  let auditor: string;
  let shippedSha: string;
  let mlp: TestModelFolder;
  let nextVersion: TestModelFolder;

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    shippedSha = (await readShippedModel()).sha256;
    mlp = await writeMlpModelFolder(modelsDir.dir);
    nextVersion = await writeShippedVariant(modelsDir.dir, 'aiguillage-ebm-1.2.0', (manifest) => ({
      ...manifest,
      version: '1.2.0',
    }));
    t = await startTestApp({ env: { MODELS_DIR: modelsDir.dir } });
    admin = await t.tokenFor('admin', 'ops-1');
    auditor = await t.tokenFor('auditor', 'audit-1');
  });
  afterAll(async () => {
    await t.close();
    await modelsDir.remove();
  });

  async function listModels(): Promise<ModelBody[]> {
    const res = await t.http.get('/v1/models').auth(admin, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.body.items as ModelBody[];
  }

  async function register(folder: string, sha256: string) {
    return t.http.post('/v1/models').auth(admin, { type: 'bearer' }).send({ folder, sha256 });
  }

  async function activate(id: string) {
    return t.http.post(`/v1/models/${id}/activate`).auth(admin, { type: 'bearer' }).send();
  }

  async function listEvents(type: DecisionEventType) {
    return t.container.decisionLog.decisionLog.listEvents({ types: [type] });
  }

  describe('on start', () => {
    it('registers and activates the shipped model when none is active', async () => {
      const models = await listModels();
      expect(models).toEqual([
        expect.objectContaining({
          id: 'aiguillage-ebm-1.1.0',
          status: 'active',
          sha256: shippedSha,
          attributionMethod: 'exact-additive',
          registeredBy: 'startup',
          activatedBy: 'startup',
        }),
      ]);
      const registered = await listEvents('model.registered');
      expect(registered[0]).toMatchObject({
        actor: { role: 'system' },
        payload: { modelId: 'aiguillage-ebm-1.1.0', sha256: shippedSha },
      });
      const activated = await listEvents('model.activated');
      expect(activated[0]).toMatchObject({
        payload: { modelId: 'aiguillage-ebm-1.1.0', previousModelId: null },
      });
    });

    it('registers the shipped model with the sha256 of its manifest and card, and logs them', async () => {
      const manifestSha256 = await hashModelFile(modelsDir.dir, SHIPPED_FOLDER, MANIFEST_FILE);
      const cardSha256 = await hashModelFile(modelsDir.dir, SHIPPED_FOLDER, CARD_FILE);
      expect((await listModels())[0]).toMatchObject({ manifestSha256, cardSha256 });
      expect((await listEvents('model.registered'))[0]?.payload).toMatchObject({
        manifestSha256,
        cardSha256,
      });
    });

    it('reports the model as ready once it is loaded', async () => {
      const res = await t.http.get('/readyz');
      expect(res.status).toBe(200);
      expect(res.body.checks.model).toBe('ok');
    });
  });

  describe('registering', () => {
    it('registers a model folder without activating it, and logs it', async () => {
      const res = await register(mlp.folder, mlp.sha256.toUpperCase());
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({
        id: 'test-mlp-0.1.0',
        name: 'test-mlp',
        version: '0.1.0',
        sha256: mlp.sha256,
        status: 'registered',
        attributionMethod: 'sampled-shapley',
        registeredBy: 'ops-1',
        activatedBy: null,
      });
      const events = await listEvents('model.registered');
      expect(events.at(-1)).toMatchObject({
        actor: { role: 'admin' },
        payload: { modelId: 'test-mlp-0.1.0', sha256: mlp.sha256, attributionMethod: 'sampled-shapley' },
      });
      const active = (await listModels()).filter((model) => model.status === 'active');
      expect(active.map((model) => model.id)).toEqual(['aiguillage-ebm-1.1.0']);
    });

    it('stores the sha256 of manifest.json and MODEL_CARD.md at registration, shows them to auditors and logs them', async () => {
      const hashed = await writeShippedVariant(modelsDir.dir, 'ebm-hashed-1.0.0', (manifest) => ({
        ...manifest,
        name: 'ebm-hashed',
      }));
      const manifestSha256 = await hashModelFile(modelsDir.dir, hashed.folder, MANIFEST_FILE);
      const cardSha256 = await hashModelFile(modelsDir.dir, hashed.folder, CARD_FILE);
      const res = await register(hashed.folder, hashed.sha256);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ sha256: hashed.sha256, manifestSha256, cardSha256 });
      const asAuditor = await t.http.get('/v1/models').auth(auditor, { type: 'bearer' });
      expect((asAuditor.body.items as ModelBody[]).find((model) => model.id === hashed.id)).toMatchObject({
        manifestSha256,
        cardSha256,
      });
      expect((await listEvents('model.registered')).at(-1)).toMatchObject({
        payload: { modelId: hashed.id, sha256: hashed.sha256, manifestSha256, cardSha256 },
      });
    });

    it('refuses bytes whose sha256 is not the stated one, saying both and how to put it right', async () => {
      const stated = 'ab'.repeat(32);
      const res = await register(nextVersion.folder, stated);
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ expectedSha256: stated, actualSha256: shippedSha });
      expect(res.body.detail).toMatch(/^model\.onnx does not have the stated sha256: /);
      expect(res.body.detail).toMatch(
        /sha256sum model\.onnx.*copy that model\.onnx into the folder again or send its hash$/,
      );
      expect((await listModels()).map((model) => model.id)).not.toContain(nextVersion.id);
    });

    it('refuses a manifest whose feature list is not the one the service computes', async () => {
      const renamed = await writeShippedVariant(modelsDir.dir, 'ebm-with-age-1.0.0', (manifest) => ({
        ...manifest,
        name: 'ebm-with-age',
        features: manifest.features.map((feature, f) =>
          f === 14 ? { ...feature, name: 'ageYears' } : feature,
        ),
        referenceDistributions: manifest.referenceDistributions.map((distribution, f) =>
          f === 14 ? { ...distribution, feature: 'ageYears' } : distribution,
        ),
      }));
      const res = await register(renamed.folder, renamed.sha256);
      expect(res.status).toBe(422);
      expect(res.body.detail).toMatch(/\$\.features.*ageYears/);
    });

    it('refuses a manifest listing the right features in another order', async () => {
      const reordered = await writeShippedVariant(modelsDir.dir, 'ebm-reordered-1.0.0', (manifest) => ({
        ...manifest,
        name: 'ebm-reordered',
        features: [...manifest.features].reverse(),
        referenceDistributions: [...manifest.referenceDistributions].reverse(),
      }));
      const res = await register(reordered.folder, reordered.sha256);
      expect(res.status).toBe(422);
      expect(res.body.detail).toMatch(/\$\.features/);
    });

    it('refuses a folder that is not in the models directory, saying to copy it there', async () => {
      const res = await register('no-such-model-9.9.9', shippedSha);
      expect(res.status).toBe(422);
      expect(res.body.detail).toMatch(/no-such-model-9\.9\.9/);
      expect(res.body.detail).toMatch(/copy the model's folder .* into the models directory \(MODELS_DIR\)/);
    });

    it.each(['../aiguillage-ebm-1.1.0', '..', '/etc', 'models/../../etc'])(
      'refuses the folder name %s, which would leave the models directory',
      async (folder) => {
        const res = await register(folder, shippedSha);
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      },
    );

    it('refuses a folder without a model card', async () => {
      const bare = await writeShippedVariant(modelsDir.dir, 'ebm-no-card-1.0.0', (manifest) => ({
        ...manifest,
        name: 'ebm-no-card',
      }));
      await rm(path.join(modelsDir.dir, bare.folder, CARD_FILE));
      const res = await register(bare.folder, bare.sha256);
      expect(res.status).toBe(422);
      expect(res.body.detail).toMatch(/MODEL_CARD\.md/);
    });

    it('refuses a folder whose model card is empty or blank, as one without a card: there is nothing to read', async () => {
      const cards: Array<[string, string]> = [
        ['empty', ''],
        ['blank', ' \n\t\n'],
      ];
      for (const [suffix, text] of cards) {
        const hollow = await writeShippedVariant(modelsDir.dir, `ebm-${suffix}-card-1.0.0`, (manifest) => ({
          ...manifest,
          name: `ebm-${suffix}-card`,
        }));
        await writeFile(path.join(modelsDir.dir, hollow.folder, CARD_FILE), text);
        const res = await register(hollow.folder, hollow.sha256);
        expect(res.status).toBe(422);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.detail).toMatch(/MODEL_CARD\.md/);
        expect((await listModels()).some((model) => model.id === hollow.id)).toBe(false);
      }
    });

    it('refuses a manifest whose name and version would not make an id the API can address', async () => {
      const spaced = await writeShippedVariant(modelsDir.dir, 'ebm-spaced', (manifest) => ({
        ...manifest,
        name: 'mon modèle/ebm',
      }));
      const res = await register(spaced.folder, spaced.sha256);
      expect(res.status).toBe(422);
      expect(res.body.detail).toMatch(/\$\.name/);
    });

    it('refuses a name and version that split the id of another model otherwise, naming that model', async () => {
      // `aiguillage` version `ebm-1.1.0` would have the id of `aiguillage-ebm` version `1.1.0`.
      const split = await writeShippedVariant(modelsDir.dir, 'ebm-split-otherwise', (manifest) => ({
        ...manifest,
        name: 'aiguillage',
        version: 'ebm-1.1.0',
      }));
      const res = await register(split.folder, split.sha256);
      expect(res.status).toBe(409);
      expect(res.body.detail).toContain('aiguillage-ebm');
      expect(res.body.detail).toContain('version 1.1.0');
      expect(res.body.detail).not.toMatch(/is already registered/);
    });

    it('refuses a name and version already registered, from the same folder or another', async () => {
      const again = await register(SHIPPED_FOLDER, shippedSha);
      expect(again.status).toBe(409);
      await cp(path.join(modelsDir.dir, SHIPPED_FOLDER), path.join(modelsDir.dir, 'copy-of-shipped'), {
        recursive: true,
      });
      const copy = await register('copy-of-shipped', shippedSha);
      expect(copy.status).toBe(409);
      expect(copy.body.detail).toMatch(/aiguillage-ebm-1\.1\.0 is already registered/);
    });

    it('says what to do with a name and version already registered: activate the registered model when it is the same model.onnx, else give the new one another version', async () => {
      const same = await register(SHIPPED_FOLDER, shippedSha);
      expect(same.status).toBe(409);
      expect(same.body.detail).toMatch(
        /with this very model\.onnx .*activate it \(POST \/v1\/models\/aiguillage-ebm-1\.1\.0\/activate\)/,
      );
      // Another model.onnx whose manifest gives the shipped model's name and version.
      const retrained = await writeMlpModelFolder(modelsDir.dir, { name: 'retrained-ebm', version: '1.1.0' });
      await changeModelFile(modelsDir.dir, retrained.folder, MANIFEST_FILE, (content) =>
        content.replace('"name": "retrained-ebm"', '"name": "aiguillage-ebm"'),
      );
      const other = await register(retrained.folder, retrained.sha256);
      expect(other.status).toBe(409);
      expect(other.body.detail).toContain(
        `with another model.onnx (sha256 ${shippedSha}, folder ${SHIPPED_FOLDER})`,
      );
      expect(other.body.detail).toMatch(/give this model another version/);
    });
  });

  describe('activating', () => {
    it('makes the model the only active one and retires the previous one, in the log too', async () => {
      expect((await register(nextVersion.folder, nextVersion.sha256)).status).toBe(201);
      const res = await activate(nextVersion.id);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ id: 'aiguillage-ebm-1.2.0', status: 'active', activatedBy: 'ops-1' });

      const models = await listModels();
      expect(models.filter((model) => model.status === 'active').map((model) => model.id)).toEqual([
        'aiguillage-ebm-1.2.0',
      ]);
      expect(models.find((model) => model.id === 'aiguillage-ebm-1.1.0')).toMatchObject({
        status: 'retired',
        retiredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      });
      expect((await listEvents('model.activated')).at(-1)).toMatchObject({
        actor: { role: 'admin' },
        payload: {
          modelId: 'aiguillage-ebm-1.2.0',
          sha256: shippedSha,
          previousModelId: 'aiguillage-ebm-1.1.0',
        },
      });
      expect((await t.container.services.models.current())?.id).toBe('aiguillage-ebm-1.2.0');
    });

    it('shows auditors who registered and activated a model as the log does: by pseudonym, the application by name', async () => {
      const asAuditor = await t.http.get('/v1/models').auth(auditor, { type: 'bearer' });
      expect(asAuditor.status).toBe(200);
      const { pseudonymiser } = t.container.decisionLog;
      const next = (asAuditor.body.items as ModelBody[]).find((model) => model.id === nextVersion.id);
      expect(next).toMatchObject({
        registeredBy: pseudonymiser.pseudonymise('ops-1'),
        activatedBy: pseudonymiser.pseudonymise('ops-1'),
      });
      const activated = (await listEvents('model.activated')).find(
        (event) => event.payload.modelId === nextVersion.id,
      );
      expect(activated?.actor.pseudonym).toBe(next?.activatedBy);
      const shipped = (asAuditor.body.items as ModelBody[]).find(
        (model) => model.id === 'aiguillage-ebm-1.1.0',
      );
      expect(shipped).toMatchObject({ registeredBy: 'startup', activatedBy: 'startup' });
      expect(JSON.stringify(asAuditor.body)).not.toContain('ops-1');
      expect((await listModels()).find((model) => model.id === nextVersion.id)?.registeredBy).toBe('ops-1');
    });

    it('refuses an admin token whose subject is an id the application registers and activates under, so that no person reads as the application', async () => {
      for (const subject of ['startup', 'shipped-model-retry']) {
        const impostor = await t.tokenFor('admin', subject);
        const res = await t.http.post('/v1/models').auth(impostor, { type: 'bearer' }).send({
          folder: mlp.folder,
          sha256: mlp.sha256,
        });
        expect(res.status, subject).toBe(401);
        expect(res.body.detail).toContain('the application');
      }
      expect(
        (await listModels()).some((model) => model.id === mlp.id && model.registeredBy !== 'ops-1'),
      ).toBe(false);
    });

    it('rolls back to a retired model', async () => {
      const res = await activate('aiguillage-ebm-1.1.0');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'active', retiredAt: null });
      const models = await listModels();
      expect(models.find((model) => model.id === 'aiguillage-ebm-1.2.0')?.status).toBe('retired');
      expect(models.filter((model) => model.status === 'active')).toHaveLength(1);
    });

    it('logs why the admin put a model live when they say, and refuses a reason with sensitive details or a person’s id, logging the refusal for the id', async () => {
      const refused = await t.http
        .post(`/v1/models/${nextVersion.id}/activate`)
        .auth(admin, { type: 'bearer' })
        .send({ reason: 'Un usager handicapé a été mal orienté' });
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ field: 'reason' });
      const { result: naming, appended } = await trackAppended(t, () =>
        t.http
          .post(`/v1/models/${nextVersion.id}/activate`)
          .auth(admin, { type: 'bearer' })
          .send({ reason: 'Demandé par ops-1 après revue' }),
      );
      expect(naming.status).toBe(422);
      expect(naming.body).toMatchObject({
        field: 'reason',
        detail: expect.stringMatching(PERSON_ID_REFUSAL),
      });
      expect(appended).toEqual([
        aLoggedTextRefusal(t, { role: 'admin', id: 'ops-1' }, 'activateModel', { field: 'reason' }),
      ]);
      expect((await t.container.services.models.current())?.id).toBe('aiguillage-ebm-1.1.0');

      const reason = 'Carte relue, notes de version 1.2.0 lues, revue du 30 novembre';
      const res = await t.http
        .post(`/v1/models/${nextVersion.id}/activate`)
        .auth(admin, { type: 'bearer' })
        .send({ reason });
      expect(res.status).toBe(200);
      expect((await listEvents('model.activated')).at(-1)?.payload).toMatchObject({
        modelId: nextVersion.id,
        reason,
      });
      expect((await activate('aiguillage-ebm-1.1.0')).status).toBe(200);
    });

    it('changes nothing when the active model is activated again, and logs the act with the reason the admin gave', async () => {
      const active = (await listModels()).find((model) => model.status === 'active');
      if (active === undefined) throw new Error('an active model expected');
      const eventsBefore = (await listEvents('model.activated')).length;
      const current = await t.container.services.models.current();
      const reason = 'Carte relue après la revue de dérive du trimestre : modèle maintenu';

      const res = await t.http
        .post(`/v1/models/${active.id}/activate`)
        .auth(await t.tokenFor('admin', 'ops-2'), { type: 'bearer' })
        .send({ reason });

      expect(res.status).toBe(200);
      expect(res.body).toEqual(active);
      expect(await t.container.services.models.current()).toBe(current);
      const events = await listEvents('model.activated');
      expect(events).toHaveLength(eventsBefore + 1);
      expect(events.at(-1)).toMatchObject({
        actor: { role: 'admin' },
        payload: {
          modelId: active.id,
          sha256: active.sha256,
          previousModelId: active.id,
          alreadyActive: true,
          reason,
        },
      });

      const bare = await t.http
        .post(`/v1/models/${active.id}/activate`)
        .auth(await t.tokenFor('admin', 'ops-2'), { type: 'bearer' })
        .send();
      expect(bare.status).toBe(200);
      expect(bare.body).toEqual(active);
      const after = await listEvents('model.activated');
      expect(after).toHaveLength(eventsBefore + 2);
      expect(after.at(-1)?.payload).toEqual({
        modelId: active.id,
        sha256: active.sha256,
        previousModelId: active.id,
        alreadyActive: true,
      });
    });

    it('leaves exactly one model active when several activations race', async () => {
      const answers = await Promise.all(
        ['aiguillage-ebm-1.2.0', 'test-mlp-0.1.0', 'aiguillage-ebm-1.1.0'].map((id) => activate(id)),
      );
      expect(answers.map((res) => res.status)).toEqual([200, 200, 200]);
      const active = (await listModels()).filter((model) => model.status === 'active');
      expect(active).toHaveLength(1);
      expect((await t.container.services.models.current())?.id).toBe(active[0]?.id);
      // Serialised: each activation names as previous the model the one before it activated.
      const activations = (await listEvents('model.activated')).slice(-3);
      expect(activations.at(-1)?.payload.modelId).toBe(active[0]?.id);
      activations.slice(1).forEach((event, i) => {
        expect(event.payload.previousModelId).toBe(activations[i]?.payload.modelId);
      });
      await activate('aiguillage-ebm-1.1.0');
    });

    it('refuses (409) to activate a model whose manifest.json changed since registration, naming the file and both hashes', async () => {
      const reworded = await writeShippedVariant(modelsDir.dir, 'ebm-reworded-1.0.0', (manifest) => ({
        ...manifest,
        name: 'ebm-reworded',
      }));
      const registered = await register(reworded.folder, reworded.sha256);
      expect(registered.status).toBe(201);
      const change = await rewordManifest(modelsDir.dir, reworded.folder);
      try {
        const res = await activate(reworded.id);
        expect(res.status).toBe(409);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({
          type: 'https://aiguillage.example/problems/model-file-changed',
          detail: expect.stringMatching(/manifest\.json is no longer the one registered/),
          file: MANIFEST_FILE,
          expectedSha256: registered.body.manifestSha256,
          actualSha256: await hashModelFile(modelsDir.dir, reworded.folder, MANIFEST_FILE),
        });
        const models = await listModels();
        expect(models.find((model) => model.id === reworded.id)?.status).toBe('registered');
        expect(models.find((model) => model.status === 'active')?.id).toBe('aiguillage-ebm-1.1.0');
      } finally {
        await change.restore();
      }
    });

    it('refuses (409) to activate a model whose model.onnx was made a folder since registration, naming the file in `file` and the detail and saying to copy it again', async () => {
      const foldered = await writeShippedVariant(modelsDir.dir, 'ebm-onnx-foldered-1.0.0', (manifest) => ({
        ...manifest,
        name: 'ebm-onnx-foldered',
      }));
      expect((await register(foldered.folder, foldered.sha256)).status).toBe(201);
      const onnx = path.join(modelsDir.dir, foldered.folder, MODEL_FILE);
      await rename(onnx, `${onnx}.aside`);
      await mkdir(onnx);
      try {
        const res = await activate(foldered.id);
        expect(res.status).toBe(409);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({
          file: MODEL_FILE,
          detail:
            `model ${foldered.id} cannot be loaded any more: model.onnx of folder ${foldered.folder} is a folder, ` +
            'not a file: copy the file itself there, in place of the folder of that name, or export the model again',
        });
        expect((await listModels()).find((model) => model.id === foldered.id)?.status).toBe('registered');
      } finally {
        await rm(onnx, { recursive: true });
        await rename(`${onnx}.aside`, onnx);
      }
    });

    it.each([MODEL_FILE, MANIFEST_FILE])(
      'refuses (409) to activate a model whose %s was removed since registration, naming the file in `file` and the detail',
      async (removed) => {
        const name = `ebm-gone-${removed.replace('.', '-')}`;
        const gone = await writeShippedVariant(modelsDir.dir, `${name}-1.0.0`, (manifest) => ({
          ...manifest,
          name,
        }));
        expect((await register(gone.folder, gone.sha256)).status).toBe(201);
        const file = path.join(modelsDir.dir, gone.folder, removed);
        await rename(file, `${file}.aside`);
        try {
          const res = await activate(gone.id);
          expect(res.status).toBe(409);
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(res.body).toMatchObject({
            file: removed,
            detail: `model ${gone.id} cannot be loaded any more: folder ${gone.folder} of the models directory has no ${removed}`,
          });
          expect((await listModels()).find((model) => model.id === gone.id)?.status).toBe('registered');
        } finally {
          await rename(`${file}.aside`, file);
        }
      },
    );

    it('refuses (409) to activate a model whose card was made a folder since registration, naming the file in `file` and the detail', async () => {
      const hollow = await writeShippedVariant(modelsDir.dir, 'ebm-live-card-folder-1.0.0', (manifest) => ({
        ...manifest,
        name: 'ebm-live-card-folder',
      }));
      expect((await register(hollow.folder, hollow.sha256)).status).toBe(201);
      const card = path.join(modelsDir.dir, hollow.folder, CARD_FILE);
      await rename(card, `${card}.aside`);
      await mkdir(card);
      try {
        const res = await activate(hollow.id);
        expect(res.status).toBe(409);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({
          file: CARD_FILE,
          detail: `model ${hollow.id} cannot be activated: its card ${hollow.folder}/${CARD_FILE} in the models directory is a folder, not a file`,
        });
        expect((await listModels()).find((model) => model.id === hollow.id)?.status).toBe('registered');
      } finally {
        await rm(card, { recursive: true });
        await rename(`${card}.aside`, card);
      }
    });

    it('refuses (409) to activate a model whose card changed since registration, naming the file and both hashes, so that no model goes live with a card nobody can read', async () => {
      const carded = await writeShippedVariant(modelsDir.dir, 'ebm-live-card-changed-1.0.0', (manifest) => ({
        ...manifest,
        name: 'ebm-live-card-changed',
      }));
      const registered = await register(carded.folder, carded.sha256);
      expect(registered.status).toBe(201);
      const change = await rewriteCard(modelsDir.dir, carded.folder);
      try {
        const res = await activate(carded.id);
        expect(res.status).toBe(409);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({
          type: 'https://aiguillage.example/problems/model-file-changed',
          detail: expect.stringMatching(/MODEL_CARD\.md is no longer the one registered/),
          file: CARD_FILE,
          expectedSha256: registered.body.cardSha256,
          actualSha256: await hashModelFile(modelsDir.dir, carded.folder, CARD_FILE),
        });
        const models = await listModels();
        expect(models.find((model) => model.id === carded.id)?.status).toBe('registered');
        expect(models.find((model) => model.status === 'active')?.id).toBe('aiguillage-ebm-1.1.0');
      } finally {
        await change.restore();
      }
    });

    it('refuses (409) to activate a model whose card was removed since registration, naming the file', async () => {
      const carded = await writeShippedVariant(modelsDir.dir, 'ebm-live-card-gone-1.0.0', (manifest) => ({
        ...manifest,
        name: 'ebm-live-card-gone',
      }));
      expect((await register(carded.folder, carded.sha256)).status).toBe(201);
      const card = path.join(modelsDir.dir, carded.folder, CARD_FILE);
      const kept = await readFile(card);
      await rm(card);
      try {
        const before = (await listEvents('model.activated')).length;
        const res = await activate(carded.id);
        expect(res.status).toBe(409);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.detail).toMatch(/MODEL_CARD\.md/);
        expect((await listEvents('model.activated')).length).toBe(before);
        expect((await listModels()).find((model) => model.status === 'active')?.id).toBe(
          'aiguillage-ebm-1.1.0',
        );
      } finally {
        await writeFile(card, kept);
      }
    });

    it('answers 404 for a model that is not registered', async () => {
      const res = await activate('never-registered-1.0.0');
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });
  });

  describe('the model card', () => {
    it('serves the card of the model folder as Markdown', async () => {
      const res = await t.http.get('/v1/models/aiguillage-ebm-1.1.0/card').auth(auditor, { type: 'bearer' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/markdown/);
      const onDisk = await readFile(path.join(modelsDir.dir, SHIPPED_FOLDER, CARD_FILE), 'utf8');
      expect(res.text).toBe(onDisk);
      expect(res.text).toMatch(/^# Model card — aiguillage-ebm 1\.1\.0/);
    });

    it('answers 404, not a server error, when the card was removed from the folder after registration', async () => {
      const gone = await writeShippedVariant(modelsDir.dir, 'ebm-card-gone-1.0.0', (manifest) => ({
        ...manifest,
        name: 'ebm-card-gone',
      }));
      expect((await register(gone.folder, gone.sha256)).status).toBe(201);
      await rm(path.join(modelsDir.dir, gone.folder, CARD_FILE));
      const res = await t.http.get(`/v1/models/${gone.id}/card`).auth(auditor, { type: 'bearer' });
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        file: CARD_FILE,
        detail: expect.stringMatching(/is no longer there$/),
      });
    });

    it('answers 404 naming the file, not a server error, when the card was replaced by a folder', async () => {
      const hollow = await writeShippedVariant(modelsDir.dir, 'ebm-card-folder-1.0.0', (manifest) => ({
        ...manifest,
        name: 'ebm-card-folder',
      }));
      expect((await register(hollow.folder, hollow.sha256)).status).toBe(201);
      const card = path.join(modelsDir.dir, hollow.folder, CARD_FILE);
      await rm(card);
      await mkdir(card);
      const res = await t.http.get(`/v1/models/${hollow.id}/card`).auth(auditor, { type: 'bearer' });
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        file: CARD_FILE,
        detail: `the card of model ${hollow.id} cannot be read: ${hollow.folder}/${CARD_FILE} in the models directory is a folder, not a file`,
      });
    });

    it('answers 409 for a card changed since registration, with both hashes, and does not serve the changed text', async () => {
      const carded = await writeShippedVariant(modelsDir.dir, 'ebm-card-changed-1.0.0', (manifest) => ({
        ...manifest,
        name: 'ebm-card-changed',
      }));
      const registered = await register(carded.folder, carded.sha256);
      expect(registered.status).toBe(201);
      const change = await rewriteCard(modelsDir.dir, carded.folder);
      try {
        const res = await t.http.get(`/v1/models/${carded.id}/card`).auth(auditor, { type: 'bearer' });
        expect(res.status).toBe(409);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({
          type: 'https://aiguillage.example/problems/model-file-changed',
          detail: expect.stringMatching(/no longer the one registered/),
          file: CARD_FILE,
          expectedSha256: registered.body.cardSha256,
          actualSha256: await hashModelFile(modelsDir.dir, carded.folder, CARD_FILE),
        });
        expect(res.text).not.toMatch(/no known limits/);
        expect(res.text).not.toMatch(/# Model card/);
      } finally {
        await change.restore();
      }
      const restored = await t.http.get(`/v1/models/${carded.id}/card`).auth(auditor, { type: 'bearer' });
      expect(restored.status).toBe(200);
      expect(restored.text).toMatch(/^# Model card/);
    });

    it('answers 404 for the card of a model that is not registered', async () => {
      const res = await t.http
        .get('/v1/models/never-registered-1.0.0/card')
        .auth(auditor, { type: 'bearer' });
      expect(res.status).toBe(404);
    });
  });

  describe('who may do what', () => {
    const ALLOWED: Record<string, Role[]> = {
      listModels: ['admin', 'auditor'],
      registerModel: ['admin'],
      activateModel: ['admin'],
      getModelCard: ['admin', 'auditor', 'counselor'],
    };
    const requests: Record<string, (token: string) => Promise<{ status: number }>> = {
      listModels: (token) => t.http.get('/v1/models').auth(token, { type: 'bearer' }),
      // A folder that does not exist: the admin gets past authorization to a 422, nothing changes.
      registerModel: (token) =>
        t.http
          .post('/v1/models')
          .auth(token, { type: 'bearer' })
          .send({ folder: 'not-there-0.0.1', sha256: '0'.repeat(64) }),
      activateModel: (token) =>
        t.http.post('/v1/models/aiguillage-ebm-1.1.0/activate').auth(token, { type: 'bearer' }).send(),
      getModelCard: (token) =>
        t.http.get('/v1/models/aiguillage-ebm-1.1.0/card').auth(token, { type: 'bearer' }),
    };
    const cells = Object.keys(ALLOWED).flatMap((operation) =>
      ROLES.map((role) => [operation, role, ALLOWED[operation]?.includes(role) ?? false] as const),
    );

    it.each(cells)('%s as %s: allowed=%s', async (operation, role, allowed) => {
      const token = await t.tokenFor(role, `${role}-matrix`);
      const res = await requests[operation]?.(token);
      if (allowed) {
        expect(res?.status).toBeGreaterThanOrEqual(200);
        expect([401, 403]).not.toContain(res?.status);
      } else {
        expect(res?.status).toBe(403);
      }
    });

    it('refuses every operation without a token', async () => {
      const res = await t.http.get('/v1/models');
      expect(res.status).toBe(401);
    });
  });
});
