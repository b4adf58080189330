import { cp } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KnexAuditEventStore } from '../../src/audit/knex-audit-event-store.ts';
import { createLoggedTextCheck } from '../../src/audit/logged-text-check.ts';
import type { Principal } from '../../src/auth/principal.ts';
import { type CourseBatch, createCourseBatch } from '../../src/courses/course-table.ts';
import { KnexStorageScrubber } from '../../src/erasure/knex-storage-scrubber.ts';
import type { ModelManifest } from '../../src/model/manifest.ts';
import { CARD_FILE, MANIFEST_FILE, readModelFolder } from '../../src/model/model-folder.ts';
import { KnexModelStore } from '../../src/model-registry/knex-model-store.ts';
import {
  ModelRegistry,
  type ModelRegistryDeps,
  type ScorerLoader,
} from '../../src/model-registry/model-registry.ts';
import { KnexCourseOutcomeStore } from '../../src/outcomes/knex-course-outcome-store.ts';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import { withdrawModelSets } from '../../src/recommendations/withdraw-model-sets.ts';
import { OnnxScorer } from '../../src/scoring/onnx-scorer.ts';
import type {
  AttributionResult,
  CourseScore,
  ModelIdentity,
  Scorer,
  ScoringResult,
} from '../../src/scoring/scorer.ts';
import { ConflictError, InvalidInputError } from '../../src/shared/errors.ts';
import { type DecisionLogFixture, startDecisionLog } from '../decision-log/support/decision-log-fixture.ts';
import { aCourse, aJobSeeker } from '../support/builders.ts';
import { createGate, type Gate } from '../support/gate.ts';
import {
  copyPreviousShippedModel,
  createModelsDir,
  hashModelFile,
  PREVIOUS_SHIPPED_FOLDER,
  rewordManifest,
  SHIPPED_FOLDER,
  type TestModelFolder,
  writeLinearModelFolder,
  writeMlpModelFolder,
  writeShippedVariant,
} from './support/model-folders.ts';

const ADMIN: Principal = { subject: 'ops-1', roles: ['admin'] };
const REFERENCE = new Date('2027-01-04T00:00:00Z');
const SHIPPED_ID = 'aiguillage-ebm-1.1.0';

/**
 * A scorer that holds every call until the test opens its gate, and fails once closed, as a
 * released ONNX session would: a request that still used it after a swap would fail.
 */
class GatedScorer implements Scorer {
  readonly model: ModelIdentity;
  closed = false;
  #open: () => void = () => {};
  #gate = new Promise<void>((resolve) => {
    this.#open = resolve;
  });

  constructor(readonly manifest: ModelManifest) {
    this.model = { name: manifest.name, version: manifest.version, sha256: 'f'.repeat(64) };
  }

  openGate(): void {
    this.#open();
  }

  async scoreCourses(
    _profile: unknown,
    { courses }: CourseBatch,
    _referenceDate: Date,
  ): Promise<ScoringResult> {
    await this.#gate;
    this.assertOpen();
    return {
      model: this.model,
      attributionMethod: this.manifest.attributionMethod,
      scores: courses.map((course, index) => ({
        courseId: course.id,
        index,
        score: 0.5,
        features: [],
        contributions: [],
      })),
    };
  }

  async attribute(_profile: unknown, scored: readonly CourseScore[]): Promise<AttributionResult> {
    await this.#gate;
    this.assertOpen();
    return {
      rows: scored.map((row) => ({ ...row, contributions: row.contributions ?? [] })),
      method: { method: this.manifest.attributionMethod },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`${this.model.name} ${this.model.version} was used after close`);
  }
}

describe('ModelRegistry', () => {
  let modelsDir: { dir: string; remove(): Promise<void> };
  let nextVersion: TestModelFolder;
  let mlp: TestModelFolder;
  let log: DecisionLogFixture;
  const registries: ModelRegistry[] = [];

  function createRegistry(
    loadScorer: ScorerLoader = (folder, expected) => OnnxScorer.load(folder, expected),
    retireGraceMs?: number,
    more: Partial<Pick<ModelRegistryDeps, 'now' | 'loadRetryMs' | 'logger' | 'decisionLog'>> = {},
  ): ModelRegistry {
    const registry = new ModelRegistry({
      store: new KnexModelStore(log.db),
      decisionLog: log.decisionLog,
      loadScorer,
      modelsDir: modelsDir.dir,
      now: () => new Date(),
      pseudonymise: (id) => log.pseudonymiser.pseudonymise(id),
      checkLoggedText: createLoggedTextCheck({
        events: new KnexAuditEventStore(log.db),
        log: log.decisionLog,
        pseudonymise: (id) => log.pseudonymiser.pseudonymise(id),
      }),
      withdrawModelSets: (trx, modelId, recall) =>
        withdrawModelSets(
          {
            store: new KnexRecommendationStore(log.db),
            decisionLog: log.decisionLog,
            outcomes: new KnexCourseOutcomeStore(log.db),
          },
          trx,
          modelId,
          recall,
        ),
      scrubber: new KnexStorageScrubber(log.db),
      ...(retireGraceMs === undefined ? {} : { retireGraceMs }),
      ...more,
    });
    registries.push(registry);
    return registry;
  }

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    nextVersion = await writeShippedVariant(modelsDir.dir, 'aiguillage-ebm-1.2.0', (manifest) => ({
      ...manifest,
      version: '1.2.0',
    }));
    mlp = await writeMlpModelFolder(modelsDir.dir);
  });
  afterAll(async () => {
    await modelsDir.remove();
  });
  beforeEach(async () => {
    log = await startDecisionLog();
  });
  afterEach(async () => {
    for (const registry of registries.splice(0)) await registry.close();
    await log.close();
  });

  it('refuses a folder name that leaves the models directory, even behind the API', async () => {
    const registry = createRegistry();
    for (const folder of ['../models', '..', '/etc', 'a/../../b']) {
      await expect(registry.registerModel(ADMIN, folder, '0'.repeat(64))).rejects.toThrow(InvalidInputError);
    }
  });

  it('closes, when it is closed, the scorers still in their grace period: none is left open', async () => {
    const loaded: Scorer[] = [];
    const closed = new Set<Scorer>();
    const registry = createRegistry(async (folder, expected) => {
      const scorer = await OnnxScorer.load(folder, expected);
      const close = scorer.close.bind(scorer);
      scorer.close = async () => {
        closed.add(scorer);
        await close();
      };
      loaded.push(scorer);
      return scorer;
    });
    await registry.start(SHIPPED_FOLDER);
    // Activating the active model again loads it, then retires the load it does not need.
    await registry.activateModel(ADMIN, SHIPPED_ID);
    await registry.close();

    expect(loaded.length).toBeGreaterThan(1);
    expect(loaded.filter((scorer) => !closed.has(scorer))).toEqual([]);
  });

  it('closes every other scorer, and resolves, when one of them fails to release', async () => {
    const loaded: Scorer[] = [];
    const closed = new Set<Scorer>();
    const errors: unknown[] = [];
    let failNext = false;
    const registry = createRegistry(
      async (folder, expected) => {
        const scorer = await OnnxScorer.load(folder, expected);
        const close = scorer.close.bind(scorer);
        const failing = failNext;
        scorer.close = async () => {
          await close();
          if (failing) throw new Error('the session could not be released');
          closed.add(scorer);
        };
        loaded.push(scorer);
        return scorer;
      },
      undefined,
      { logger: { error: (fields: unknown) => errors.push(fields), info: () => {}, warn: () => {} } },
    );
    await registry.start(SHIPPED_FOLDER);
    // The activation's load, retired at once (the model is active already), fails to release.
    failNext = true;
    await registry.activateModel(ADMIN, SHIPPED_ID);
    await registry.close();

    expect(loaded.slice(0, -1).filter((scorer) => !closed.has(scorer))).toEqual([]);
    expect(errors).toEqual([{ reason: 'Error: the session could not be released' }]);
  });

  it('registers the shipped model once when two processes start together on an empty database', async () => {
    const first = createRegistry();
    const second = createRegistry();
    await Promise.all([first.start(SHIPPED_FOLDER), second.start(SHIPPED_FOLDER)]);
    const models = await first.listModels();
    expect(models.map((model) => [model.id, model.status])).toEqual([[SHIPPED_ID, 'active']]);
    expect((await first.current())?.id).toBe(SHIPPED_ID);
    expect((await second.current())?.id).toBe(SHIPPED_ID);
  });

  it('registers the shipped model without activating it when the start may not: no model serves until an admin activates it', async () => {
    const infos: unknown[] = [];
    const registry = createRegistry(undefined, undefined, {
      logger: { error: () => {}, info: (fields: unknown) => infos.push(fields), warn: () => {} },
    });
    await registry.start(SHIPPED_FOLDER, { activateShipped: false });

    expect((await registry.listModels()).map((model) => [model.id, model.status])).toEqual([
      [SHIPPED_ID, 'registered'],
    ]);
    expect(await registry.currentState()).toEqual({ status: 'none' });
    expect(await log.decisionLog.listEvents({ types: ['model.activated'] })).toEqual([]);
    expect(infos).toContainEqual({ modelId: SHIPPED_ID, activeModelId: undefined });

    await registry.activateModel(ADMIN, SHIPPED_ID);
    expect((await registry.current())?.id).toBe(SHIPPED_ID);
    const activated = await log.decisionLog.listEvents({ types: ['model.activated'] });
    expect(activated.map((event) => [event.actor.role, event.payload.modelId])).toEqual([
      ['admin', SHIPPED_ID],
    ]);
  });

  describe('on a database where an earlier shipped model is active (an upgrade)', () => {
    const PREVIOUS_ID = 'aiguillage-ebm-1.0.0';

    beforeAll(async () => {
      await copyPreviousShippedModel(modelsDir.dir);
    });

    it('registers the newly shipped version on start without activating it: the active model serves on', async () => {
      await createRegistry().start(PREVIOUS_SHIPPED_FOLDER);
      const infos: unknown[] = [];
      const upgraded = createRegistry(undefined, undefined, {
        logger: { error: () => {}, info: (fields: unknown) => infos.push(fields), warn: () => {} },
      });
      await upgraded.start(SHIPPED_FOLDER);

      const statuses = Object.fromEntries(
        (await upgraded.listModels()).map((model) => [model.id, [model.status, model.registeredBy]]),
      );
      expect(statuses).toEqual({
        [PREVIOUS_ID]: ['active', 'startup'],
        [SHIPPED_ID]: ['registered', 'startup'],
      });
      expect((await upgraded.current())?.id).toBe(PREVIOUS_ID);
      const registered = await log.decisionLog.listEvents({ types: ['model.registered'] });
      expect(registered.map((event) => [event.actor.role, event.payload.modelId])).toEqual([
        ['system', PREVIOUS_ID],
        ['system', SHIPPED_ID],
      ]);
      const activated = await log.decisionLog.listEvents({ types: ['model.activated'] });
      expect(activated.map((event) => event.payload.modelId)).toEqual([PREVIOUS_ID]);
      expect(infos).toContainEqual({ modelId: SHIPPED_ID, activeModelId: PREVIOUS_ID });
    });

    it('registers the newly shipped version once, however many times and processes start', async () => {
      await createRegistry().start(PREVIOUS_SHIPPED_FOLDER);
      await Promise.all([createRegistry().start(SHIPPED_FOLDER), createRegistry().start(SHIPPED_FOLDER)]);
      await createRegistry().start(SHIPPED_FOLDER);
      const registered = await log.decisionLog.listEvents({ types: ['model.registered'] });
      expect(registered.map((event) => event.payload.modelId)).toEqual([PREVIOUS_ID, SHIPPED_ID]);
    });

    it('leaves the model an admin activated, or rolled back to, as it is on the next start', async () => {
      const registry = createRegistry();
      await registry.start(PREVIOUS_SHIPPED_FOLDER);
      await createRegistry().start(SHIPPED_FOLDER);
      await registry.activateModel(ADMIN, SHIPPED_ID);
      await registry.activateModel(ADMIN, PREVIOUS_ID);
      const restarted = createRegistry();
      await restarted.start(SHIPPED_FOLDER);
      expect((await restarted.current())?.id).toBe(PREVIOUS_ID);
      expect((await restarted.getModel(SHIPPED_ID)).status).toBe('retired');
    });

    it('keeps serving the active model when the newly shipped folder cannot be registered, and logs why', async () => {
      await createRegistry().start(PREVIOUS_SHIPPED_FOLDER);
      const errors: unknown[] = [];
      const registry = createRegistry(undefined, undefined, {
        logger: { error: (fields: unknown) => errors.push(fields), info: () => {}, warn: () => {} },
      });
      await registry.start('never-shipped-9.9.9');
      expect(await registry.currentState()).toMatchObject({ status: 'loaded', model: { id: PREVIOUS_ID } });
      expect(errors).toEqual([
        expect.objectContaining({
          folder: 'never-shipped-9.9.9',
          reason: expect.stringMatching(/never-shipped/),
        }),
      ]);
      expect((await registry.listModels()).map((model) => model.id)).toEqual([PREVIOUS_ID]);
    });
  });

  it('notices an activation made by another process on its next request', async () => {
    const here = createRegistry();
    const elsewhere = createRegistry();
    await here.start(SHIPPED_FOLDER);
    await elsewhere.start(SHIPPED_FOLDER);
    const before = await here.current();

    await elsewhere.registerModel(ADMIN, mlp.folder, mlp.sha256);
    await elsewhere.activateModel(ADMIN, mlp.id);

    const after = await here.current();
    expect(after?.id).toBe(mlp.id);
    expect(after?.scorer).not.toBe(before?.scorer);
    expect(after?.scorer.manifest.attributionMethod).toBe('sampled-shapley');
  });

  describe('when a model is activated while this process loads the model it replaces', () => {
    /**
     * Here notices that elsewhere activated 1.2.0 and starts loading it (`first`, the request that
     * noticed), held by `holdingNextVersion` until the test releases it.
     */
    async function startLoadingNextVersion(here: ModelRegistry, loading: Gate) {
      const elsewhere = createRegistry();
      await here.start(SHIPPED_FOLDER);
      await elsewhere.start(SHIPPED_FOLDER);
      await elsewhere.registerModel(ADMIN, nextVersion.folder, nextVersion.sha256);
      await elsewhere.registerModel(ADMIN, mlp.folder, mlp.sha256);
      await elsewhere.activateModel(ADMIN, nextVersion.id);
      const first = here.current();
      await loading.opened;
      return { elsewhere, first };
    }

    /** Holds the load of 1.2.0 at `loading` until `released` opens. */
    function holdingNextVersion(loading: Gate, released: Gate, load: ScorerLoader): ScorerLoader {
      return async (folder, expected) => {
        if (path.basename(folder) === nextVersion.folder) {
          loading.open();
          await released.opened;
        }
        return load(folder, expected);
      };
    }

    it('serves a request asked after another process activated a model that model, not the one it replaced; a request asked before gets the model it read', async () => {
      const loading = createGate();
      const released = createGate();
      const here = createRegistry(
        holdingNextVersion(loading, released, (folder, expected) => OnnxScorer.load(folder, expected)),
      );
      const { elsewhere, first } = await startLoadingNextVersion(here, loading);
      await elsewhere.activateModel(ADMIN, mlp.id);

      const after = here.current();
      // The load of 1.2.0 ends only once the request asked after the activation has read the active model.
      await Promise.race([after, new Promise((resolve) => setTimeout(resolve, 200))]);
      released.open();

      expect((await after)?.id).toBe(mlp.id);
      expect((await first)?.id).toBe(nextVersion.id);
      expect((await here.current())?.id).toBe(mlp.id);
    });

    it('keeps serving the model activated here when the load of the one it replaced ends later, and closes that one after the grace period', async () => {
      const loading = createGate();
      const released = createGate();
      const loaded: { folder: string; scorer: GatedScorer }[] = [];
      const here = createRegistry(
        holdingNextVersion(loading, released, async (folder) => {
          const scorer = new GatedScorer((await readModelFolder(folder)).manifest);
          scorer.openGate();
          loaded.push({ folder: path.basename(folder), scorer });
          return scorer;
        }),
        50,
      );
      const { first } = await startLoadingNextVersion(here, loading);
      await here.activateModel(ADMIN, mlp.id);
      const activated = (await here.current())?.scorer;

      released.open();
      const replaced = (await first)?.scorer as GatedScorer | undefined;

      expect((await here.current())?.scorer).toBe(activated);
      expect(loaded.filter(({ folder }) => folder === mlp.folder)).toHaveLength(1);
      expect(replaced?.closed).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(replaced?.closed).toBe(true);
    });
  });

  it('serves a request that reads a model active before its activation here is answered the scorer the activation loaded, without loading it again', async () => {
    const committed = createGate();
    const answered = createGate();
    let holding = false;
    // The activation's transaction has committed; the activation is not answered yet.
    const decisionLog = new Proxy(log.decisionLog, {
      get(target, property, receiver) {
        if (property !== 'withTransaction') return Reflect.get(target, property, receiver);
        return async <T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T> => {
          const result = await target.withTransaction(work);
          if (holding) {
            committed.open();
            await answered.opened;
          }
          return result;
        };
      },
    });
    const loads: string[] = [];
    const registry = createRegistry(
      async (folder, expected) => {
        loads.push(path.basename(folder));
        return OnnxScorer.load(folder, expected);
      },
      undefined,
      { decisionLog },
    );
    await registry.start(SHIPPED_FOLDER);
    await registry.registerModel(ADMIN, nextVersion.folder, nextVersion.sha256);
    holding = true;
    const activation = registry.activateModel(ADMIN, nextVersion.id);
    await committed.opened;
    holding = false;

    const during = await registry.current();
    answered.open();
    await activation;

    expect(during?.id).toBe(nextVersion.id);
    expect((await registry.current())?.scorer).toBe(during?.scorer);
    // One load to check the registration, one for the activation.
    expect(loads.filter((folder) => folder === nextVersion.folder)).toHaveLength(2);
  });

  it('keeps waiting out the retry interval of the active model that could not be loaded when the load of the model it replaced fails later', async () => {
    const loading = createGate();
    const released = createGate();
    const loads: string[] = [];
    const here = createRegistry(async (folder, expected) => {
      const name = path.basename(folder);
      loads.push(name);
      if (name === nextVersion.folder) {
        loading.open();
        await released.opened;
      }
      if (name !== SHIPPED_FOLDER) throw new Error('the runtime cannot read this graph');
      return OnnxScorer.load(folder, expected);
    });
    const elsewhere = createRegistry();
    await here.start(SHIPPED_FOLDER);
    await elsewhere.start(SHIPPED_FOLDER);
    await elsewhere.registerModel(ADMIN, nextVersion.folder, nextVersion.sha256);
    await elsewhere.registerModel(ADMIN, mlp.folder, mlp.sha256);
    await elsewhere.activateModel(ADMIN, nextVersion.id);
    const first = here.currentState();
    await loading.opened;
    await elsewhere.activateModel(ADMIN, mlp.id);
    expect(await here.currentState()).toMatchObject({ status: 'unavailable', modelId: mlp.id });

    released.open();
    expect(await first).toMatchObject({ status: 'unavailable', modelId: nextVersion.id });

    expect(await here.currentState()).toMatchObject({ status: 'unavailable', modelId: mlp.id });
    expect(loads.filter((folder) => folder === mlp.folder)).toHaveLength(1);
  });

  it('never activates a model that can no longer be loaded, and keeps serving the active one', async () => {
    let failing = false;
    const registry = createRegistry(async (folder, expected) => {
      if (failing) throw new Error('the runtime cannot read this graph');
      return OnnxScorer.load(folder, expected);
    });
    await registry.start(SHIPPED_FOLDER);
    await registry.registerModel(ADMIN, nextVersion.folder, nextVersion.sha256);
    failing = true;
    await expect(registry.activateModel(ADMIN, nextVersion.id)).rejects.toThrow(ConflictError);
    expect((await registry.getModel(nextVersion.id)).status).toBe('registered');
    expect((await registry.current())?.id).toBe(SHIPPED_ID);
  });

  it('never activates a model recalled while its activation was loading it', async () => {
    const loading = createGate();
    const released = createGate();
    let loads = 0;
    const registry = createRegistry(async (folder, expected) => {
      // The first load checks the registration; the second is the activation's, held open.
      if (path.basename(folder) === nextVersion.folder && ++loads === 2) {
        loading.open();
        await released.opened;
      }
      return OnnxScorer.load(folder, expected);
    });
    await registry.start(SHIPPED_FOLDER);
    await registry.registerModel(ADMIN, nextVersion.folder, nextVersion.sha256);
    const activation = registry.activateModel(ADMIN, nextVersion.id);
    await loading.opened;
    await registry.recallModel(ADMIN, nextVersion.id, 'Défaut constaté pendant la mise en service');
    released.open();

    await expect(activation).rejects.toMatchObject({
      details: { type: 'https://aiguillage.example/problems/model-recalled' },
    });
    expect((await registry.getModel(nextVersion.id)).status).toBe('recalled');
    expect((await registry.current())?.id).toBe(SHIPPED_ID);
    expect(await log.decisionLog.listEvents({ types: ['model.activated'] })).toHaveLength(1);
  });

  it('stops serving the active model once it is recalled, and closes its scorer after the grace period', async () => {
    const loaded: GatedScorer[] = [];
    const registry = createRegistry(async (folder) => {
      const scorer = new GatedScorer((await readModelFolder(folder)).manifest);
      scorer.openGate();
      loaded.push(scorer);
      return scorer;
    }, 50);
    await registry.start(SHIPPED_FOLDER);
    const serving = loaded.at(-1);

    const recalled = await registry.recallModel(ADMIN, SHIPPED_ID, 'Défaut constaté à la revue');

    expect(recalled).toMatchObject({
      model: { status: 'recalled' },
      retractedSetIds: [],
      withdrawnSetIds: [],
    });
    expect(await registry.currentState()).toEqual({ status: 'none' });
    expect(serving?.closed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(serving?.closed).toBe(true);
  });

  it('lets requests in flight finish on the model they started with while another is activated', async () => {
    const loaded: GatedScorer[] = [];
    const registry = createRegistry(async (folder) => {
      const scorer = new GatedScorer((await readModelFolder(folder)).manifest);
      loaded.push(scorer);
      return scorer;
    }, 500);
    await registry.start(SHIPPED_FOLDER);
    await registry.registerModel(ADMIN, nextVersion.folder, nextVersion.sha256);
    const courses = createCourseBatch([{ id: 'c-1', ...aCourse() }]);
    const serveOn = async (model: Awaited<ReturnType<typeof registry.current>>) => {
      if (model === undefined) throw new Error('no active model');
      const scored = await model.scorer.scoreCourses(aJobSeeker(), courses, REFERENCE);
      await model.scorer.attribute(aJobSeeker(), scored.scores, REFERENCE);
      return scored.model.version;
    };
    const serve = async () => serveOn(await registry.current());
    const first = (await registry.current())?.scorer as GatedScorer | undefined;
    // In flight: each request holds the model it was given before the activation starts, not after
    // a guess of how long reading it takes on a loaded machine.
    const held = await Promise.all(Array.from({ length: 20 }, () => registry.current()));
    const inFlight = held.map(serveOn);

    await registry.activateModel(ADMIN, nextVersion.id);
    // The requests outlast the swap itself, though not the retirement grace.
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const scorer of loaded) scorer.openGate();

    expect(await Promise.all(inFlight)).toEqual(Array(20).fill('1.1.0'));
    expect(await serve()).toBe('1.2.0');
    expect(first?.closed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(first?.closed).toBe(true);
  });

  it('swaps real ONNX models under load without failing a request', async () => {
    const registry = createRegistry();
    await registry.start(SHIPPED_FOLDER);
    await registry.registerModel(ADMIN, mlp.folder, mlp.sha256);
    const courses = createCourseBatch(
      Array.from({ length: 300 }, (_, i) => ({ id: `c-${i}`, ...aCourse({ durationHours: 100 + i * 5 }) })),
    );
    const serve = async () => {
      const model = await registry.current();
      if (model === undefined) throw new Error('no active model');
      const scored = await model.scorer.scoreCourses(aJobSeeker(), courses, REFERENCE);
      const top = [...scored.scores].sort((a, b) => b.score - a.score).slice(0, 10);
      const attributed = await model.scorer.attribute(aJobSeeker(), top, REFERENCE);
      return { name: scored.model.name, method: attributed.method.method };
    };
    const before = Array.from({ length: 30 }, serve);
    const activation = registry.activateModel(ADMIN, mlp.id);
    const during = Array.from({ length: 30 }, serve);
    await activation;
    const after = Array.from({ length: 10 }, serve);

    const results = await Promise.all([...before, ...during, ...after]);
    expect(results).toHaveLength(70);
    for (const result of results) {
      expect([
        { name: 'aiguillage-ebm', method: 'exact-additive' },
        { name: 'test-mlp', method: 'sampled-shapley' },
      ]).toContainEqual(result);
    }
    expect(results.slice(-10).every((result) => result.name === 'test-mlp')).toBe(true);
  });

  it('keeps the bytes it registered: a model whose file changed afterwards cannot be activated', async () => {
    const registry = createRegistry();
    await registry.start(SHIPPED_FOLDER);
    const swapped = await writeShippedVariant(modelsDir.dir, 'ebm-swapped-1.0.0', (manifest) => ({
      ...manifest,
      name: 'ebm-swapped',
    }));
    await registry.registerModel(ADMIN, swapped.folder, swapped.sha256);
    await cp(
      path.join(modelsDir.dir, mlp.folder, 'model.onnx'),
      path.join(modelsDir.dir, swapped.folder, 'model.onnx'),
    );
    await expect(registry.activateModel(ADMIN, swapped.id)).rejects.toThrow(/sha256/);
    expect((await registry.current())?.id).toBe(SHIPPED_ID);
  });

  describe('the manifest and the card, checked like model.onnx', () => {
    it('registers the sha256 of manifest.json and of MODEL_CARD.md with the model, and logs both in model.registered', async () => {
      const registry = createRegistry();
      const variant = await writeShippedVariant(modelsDir.dir, 'ebm-hashed-1.0.0', (manifest) => ({
        ...manifest,
        name: 'ebm-hashed',
      }));
      const manifestSha256 = await hashModelFile(modelsDir.dir, variant.folder, MANIFEST_FILE);
      const cardSha256 = await hashModelFile(modelsDir.dir, variant.folder, CARD_FILE);

      const model = await registry.registerModel(ADMIN, variant.folder, variant.sha256);

      expect(model).toMatchObject({ sha256: variant.sha256, manifestSha256, cardSha256 });
      expect(await registry.getModel(variant.id)).toMatchObject({ manifestSha256, cardSha256 });
      const [registered] = await log.decisionLog.listEvents({ types: ['model.registered'] });
      expect(registered?.payload).toMatchObject({
        modelId: variant.id,
        sha256: variant.sha256,
        manifestSha256,
        cardSha256,
      });
    });

    it('refuses to activate a model whose manifest.json changed after registration, naming the file and both hashes', async () => {
      const registry = createRegistry();
      await registry.start(SHIPPED_FOLDER);
      const variant = await writeShippedVariant(modelsDir.dir, 'ebm-reworded-1.0.0', (manifest) => ({
        ...manifest,
        name: 'ebm-reworded',
      }));
      const model = await registry.registerModel(ADMIN, variant.folder, variant.sha256);
      const change = await rewordManifest(modelsDir.dir, variant.folder);

      const refusal = await registry.activateModel(ADMIN, variant.id).catch((error: unknown) => error);

      expect(refusal).toBeInstanceOf(ConflictError);
      expect((refusal as ConflictError).message).toMatch(/manifest\.json is no longer the one registered/);
      expect((refusal as ConflictError).details).toMatchObject({
        file: MANIFEST_FILE,
        expectedSha256: model.manifestSha256,
        actualSha256: await hashModelFile(modelsDir.dir, variant.folder, MANIFEST_FILE),
      });
      expect((await registry.getModel(variant.id)).status).toBe('registered');
      expect((await registry.current())?.id).toBe(SHIPPED_ID);

      await change.restore();
      expect((await registry.activateModel(ADMIN, variant.id)).status).toBe('active');
    });

    it("refuses a changed manifest.json at load: a process noticing another's activation reports the model unavailable, without throwing", async () => {
      const here = createRegistry();
      const elsewhere = createRegistry();
      await here.start(SHIPPED_FOLDER);
      await elsewhere.start(SHIPPED_FOLDER);
      const variant = await writeShippedVariant(modelsDir.dir, 'ebm-elsewhere-1.0.0', (manifest) => ({
        ...manifest,
        name: 'ebm-elsewhere',
      }));
      await elsewhere.registerModel(ADMIN, variant.folder, variant.sha256);
      await elsewhere.activateModel(ADMIN, variant.id);
      // The folder this process reads is not the one the model was registered from any more.
      await rewordManifest(modelsDir.dir, variant.folder);

      expect(await here.currentState()).toEqual({
        status: 'unavailable',
        cause: 'load',
        modelId: variant.id,
        reason: expect.stringMatching(/manifest\.json is no longer the one registered/),
        retryAfterMs: 30_000,
      });
      expect(await here.current()).toBeUndefined();
      // The process that loaded it before the change keeps the bytes it checked.
      expect((await elsewhere.current())?.id).toBe(variant.id);
    });

    it('starts with an active model whose manifest.json changed, reports it unavailable and logs why at error level', async () => {
      const first = createRegistry();
      await first.start(SHIPPED_FOLDER);
      const variant = await writeShippedVariant(modelsDir.dir, 'ebm-restart-1.0.0', (manifest) => ({
        ...manifest,
        name: 'ebm-restart',
      }));
      await first.registerModel(ADMIN, variant.folder, variant.sha256);
      await first.activateModel(ADMIN, variant.id);
      await rewordManifest(modelsDir.dir, variant.folder);
      const logged: Array<{ level: string; fields: unknown; message: unknown }> = [];
      const record =
        (level: string) =>
        (fields: unknown, message?: unknown): void => {
          logged.push({ level, fields, message });
        };

      const restarted = createRegistry(undefined, undefined, {
        logger: { error: record('error'), info: record('info'), warn: () => {} },
      });
      await restarted.start(SHIPPED_FOLDER);

      expect((await restarted.currentState()).status).toBe('unavailable');
      expect(logged).toEqual([
        {
          level: 'error',
          fields: expect.objectContaining({
            modelId: variant.id,
            reason: expect.stringMatching(/manifest\.json is no longer the one registered/),
          }),
          message: expect.stringMatching(/the active model could not be loaded/),
        },
      ]);
    });

    it('tries to load an unavailable model again only once its retry interval has passed, then serves it', async () => {
      await createRegistry().start(SHIPPED_FOLDER);
      let time = Date.parse('2027-01-04T08:00:00Z');
      let failing = true;
      let loads = 0;
      const registry = createRegistry(
        async (folder, expected) => {
          loads += 1;
          if (failing) throw new Error('the runtime cannot read this graph');
          return OnnxScorer.load(folder, expected);
        },
        undefined,
        { now: () => new Date(time), loadRetryMs: 12_000 },
      );

      await registry.start(SHIPPED_FOLDER);
      expect(loads).toBe(1);
      for (let i = 0; i < 5; i += 1) {
        expect(await registry.currentState()).toMatchObject({
          status: 'unavailable',
          modelId: SHIPPED_ID,
          retryAfterMs: 12_000,
        });
      }
      failing = false;
      time += 11_999;
      expect(await registry.current()).toBeUndefined();
      expect(loads).toBe(1);

      time += 1;
      expect((await registry.current())?.id).toBe(SHIPPED_ID);
      expect(loads).toBe(2);
      await registry.current();
      expect(loads).toBe(2);
    });

    it('starts without an active model when the shipped folder cannot be registered, reports it unavailable (not none) and logs why', async () => {
      const errors: unknown[] = [];
      const registry = createRegistry(undefined, undefined, {
        logger: { error: (fields: unknown) => errors.push(fields), info: () => {}, warn: () => {} },
      });
      await registry.start('no-such-model-9.9.9');
      expect(await registry.currentState()).toEqual({
        status: 'unavailable',
        cause: 'registration',
        folder: 'no-such-model-9.9.9',
        reason: expect.stringMatching(/no-such-model-9\.9\.9/),
        retryAfterMs: 30_000,
      });
      expect(await registry.listModels()).toEqual([]);
      expect(errors).toEqual([
        expect.objectContaining({
          folder: 'no-such-model-9.9.9',
          reason: expect.stringMatching(/no-such-model/),
        }),
      ]);
    });

    it('registers the shipped model on a later request once its folder is there and the retry interval has passed, without a restart', async () => {
      let time = Date.parse('2027-01-04T08:00:00Z');
      const logged: Array<{ level: string; fields: unknown }> = [];
      const registry = createRegistry(undefined, undefined, {
        now: () => new Date(time),
        loadRetryMs: 10_000,
        logger: {
          error: (fields: unknown) => logged.push({ level: 'error', fields }),
          info: (fields: unknown) => logged.push({ level: 'info', fields }),
          warn: () => {},
        },
      });
      await registry.start('shipped-late');
      for (let i = 0; i < 3; i += 1) {
        expect(await registry.currentState()).toMatchObject({
          status: 'unavailable',
          cause: 'registration',
          retryAfterMs: 10_000,
        });
      }
      // The operator puts the folder where the configuration says it is.
      await cp(path.join(modelsDir.dir, SHIPPED_FOLDER), path.join(modelsDir.dir, 'shipped-late'), {
        recursive: true,
      });
      time += 9_999;
      expect(await registry.current()).toBeUndefined();
      expect(await registry.listModels()).toEqual([]);

      time += 1;
      expect((await registry.current())?.id).toBe(SHIPPED_ID);
      expect(await registry.listModels()).toEqual([
        expect.objectContaining({ id: SHIPPED_ID, folder: 'shipped-late', status: 'active' }),
      ]);
      const events = await log.decisionLog.listEvents({ types: ['model.registered', 'model.activated'] });
      expect(events.map((event) => event.type)).toEqual(['model.registered', 'model.activated']);
      // Done by the application on a later request, not at start: the log tells the two apart.
      expect(events.map((event) => event.actor)).toEqual([
        { role: 'system', pseudonym: 'shipped-model-retry' },
        { role: 'system', pseudonym: 'shipped-model-retry' },
      ]);
      for (const viewer of [ADMIN, { subject: 'au-001', roles: ['auditor' as const] }]) {
        expect(await registry.listModelsFor(viewer)).toEqual([
          expect.objectContaining({
            registeredBy: 'shipped-model-retry',
            activatedBy: 'shipped-model-retry',
          }),
        ]);
      }
      // One failure logged at start (not one per request), then the recovery.
      expect(logged.map((line) => line.level)).toEqual(['error', 'info']);
    });

    it('registers the shipped model once when several requests find the retry due together', async () => {
      let time = Date.parse('2027-01-04T08:00:00Z');
      const loadedFolders: string[] = [];
      const registry = createRegistry(
        (folder, expected) => {
          loadedFolders.push(path.basename(folder));
          return OnnxScorer.load(folder, expected);
        },
        undefined,
        { now: () => new Date(time), loadRetryMs: 10_000 },
      );
      await registry.start('shipped-together');
      await cp(path.join(modelsDir.dir, SHIPPED_FOLDER), path.join(modelsDir.dir, 'shipped-together'), {
        recursive: true,
      });
      time += 10_000;
      const states = await Promise.all([1, 2, 3].map(() => registry.currentState()));
      expect(states.map((state) => state.status)).toEqual(['loaded', 'loaded', 'loaded']);
      // One registration (its check load) and one activation, whatever the number of requests.
      expect(loadedFolders).toEqual(['shipped-together', 'shipped-together']);
      const events = await log.decisionLog.listEvents({ types: ['model.registered', 'model.activated'] });
      expect(events.map((event) => event.type)).toEqual(['model.registered', 'model.activated']);
    });

    it('logs a failed registration again at most once per retry interval', async () => {
      let time = Date.parse('2027-01-04T08:00:00Z');
      const errors: unknown[] = [];
      const registry = createRegistry(undefined, undefined, {
        now: () => new Date(time),
        loadRetryMs: 10_000,
        logger: { error: (fields: unknown) => errors.push(fields), info: () => {}, warn: () => {} },
      });
      await registry.start('never-there-1.0.0');
      for (let i = 0; i < 4; i += 1) {
        time += 5_000;
        expect((await registry.currentState()).status).toBe('unavailable');
      }
      // At start, then at 10 s and 20 s.
      expect(errors).toHaveLength(3);
    });

    it('never overrules a model an admin activates while the shipped one is being registered again', async () => {
      let time = Date.parse('2027-01-04T08:00:00Z');
      let loadsOfShipped = 0;
      const activationReached = createGate();
      const activationReleased = createGate();
      const registry = createRegistry(
        async (folder, expected) => {
          // The first load checks the registration; the second is the activation's, held open.
          if (path.basename(folder) === 'shipped-racing') loadsOfShipped += 1;
          if (path.basename(folder) === 'shipped-racing' && loadsOfShipped === 2) {
            activationReached.open();
            await activationReleased.opened;
          }
          return OnnxScorer.load(folder, expected);
        },
        undefined,
        { now: () => new Date(time), loadRetryMs: 10_000 },
      );
      await registry.start('shipped-racing');
      await cp(path.join(modelsDir.dir, SHIPPED_FOLDER), path.join(modelsDir.dir, 'shipped-racing'), {
        recursive: true,
      });
      time += 10_000;
      const retry = registry.currentState();
      await activationReached.opened;
      await registry.registerModel(ADMIN, mlp.folder, mlp.sha256);
      await registry.activateModel(ADMIN, mlp.id);
      activationReleased.open();

      expect(await retry).toMatchObject({ status: 'loaded', model: { id: mlp.id } });
      const statuses = Object.fromEntries(
        (await registry.listModels()).map((model) => [model.id, model.status]),
      );
      expect(statuses).toEqual({ [mlp.id]: 'active', [SHIPPED_ID]: 'registered' });
      const activations = await log.decisionLog.listEvents({ types: ['model.activated'] });
      expect(activations.map((event) => event.payload.modelId)).toEqual([mlp.id]);
    });

    it('serves a model an admin activates after the shipped one could not be registered', async () => {
      const registry = createRegistry();
      await registry.start('no-such-model-9.9.9');
      await registry.registerModel(ADMIN, mlp.folder, mlp.sha256);
      await registry.activateModel(ADMIN, mlp.id);
      expect(await registry.currentState()).toMatchObject({ status: 'loaded', model: { id: mlp.id } });
    });
  });

  it('starts with an active model whose outputs break the model contract (registered before they were checked), reports it unavailable and logs why', async () => {
    const broken = await writeLinearModelFolder(modelsDir.dir, {
      name: 'active-before-checks',
      score: 'nan',
    });
    // The registry as it was: a load that reads the folder and never runs the model.
    const before = createRegistry(
      async (folder, expected) => new GatedScorer((await readModelFolder(folder, expected)).manifest),
    );
    await before.registerModel(ADMIN, broken.folder, broken.sha256);
    await before.activateModel(ADMIN, broken.id);
    const errors: unknown[] = [];

    const restarted = createRegistry(undefined, undefined, {
      logger: { error: (fields: unknown) => errors.push(fields), info: () => {}, warn: () => {} },
    });
    await restarted.start(SHIPPED_FOLDER);

    expect(await restarted.currentState()).toMatchObject({
      status: 'unavailable',
      cause: 'load',
      modelId: broken.id,
      reason: expect.stringMatching(/break the model contract.*probability between 0 and 1; it gave NaN/),
    });
    expect(errors).toEqual([expect.objectContaining({ modelId: broken.id })]);
  });
});
