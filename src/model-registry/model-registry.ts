import fs from 'node:fs/promises';
import path from 'node:path';
import type { Principal } from '../auth/principal.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import { FEATURE_NAMES } from '../model/features.ts';
import { assertFeatureList, ManifestError, type ModelManifest } from '../model/manifest.ts';
import {
  CARD_FILE,
  MANIFEST_FILE,
  MODEL_FILE,
  ModelIntegrityError,
  readModelFolder,
} from '../model/model-folder.ts';
import type { ActiveModel, ActiveModelSource } from '../scoring/active-model.ts';
import type { Scorer } from '../scoring/scorer.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../shared/errors.ts';
import type { ModelStore } from './model-store.ts';
import type { RegisteredModel } from './registered-model.ts';

/** Loads a model folder into a scorer, refusing bytes whose SHA-256 differs (onnxruntime in production). */
export type ScorerLoader = (folder: string, sha256: string) => Promise<Scorer>;

export interface ModelRegistryDeps {
  store: ModelStore;
  decisionLog: DecisionLog;
  loadScorer: ScorerLoader;
  /** Folder holding `<name>-<version>/` model folders. */
  modelsDir: string;
  now: () => Date;
  /** The decision log's pseudonym of a person's id: auditors see admins as the log shows them. */
  pseudonymise: (id: string) => string;
  /** How long a replaced scorer stays open for requests still using it. */
  retireGraceMs?: number;
}

const FOLDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
/** The contract's pattern for a model id in a path, and the models table's column widths. */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,139}$/;
const MAX_NAME_LENGTH = 64;
const SYSTEM = { role: 'system', id: 'startup' } as const;

/**
 * The model registry: registers model folders after checking their bytes and manifest, keeps
 * exactly one model active, and serves the active model's scorer. A process notices an
 * activation made by another process on its next request and loads that model.
 */
export class ModelRegistry implements ActiveModelSource {
  #active: ActiveModel | undefined;
  #loading: Promise<ActiveModel | undefined> | undefined;
  readonly #retiring = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: ModelRegistryDeps) {}

  /**
   * On start: when no model is active, registers and activates the shipped model folder; then
   * loads the active model and warms it up.
   */
  async start(shippedFolder: string): Promise<void> {
    if ((await this.deps.store.findActive()) === undefined) {
      const sha256 = (await readModelFolder(path.join(this.deps.modelsDir, shippedFolder))).sha256;
      const model = await this.findOrRegister(shippedFolder, sha256);
      // Another process starting at the same time may have activated it meanwhile.
      if ((await this.deps.store.findActive()) === undefined) await this.activateModel(SYSTEM, model.id);
    }
    await this.current();
  }

  async current(): Promise<ActiveModel | undefined> {
    const activeId = await this.deps.store.findActiveId();
    if (activeId === undefined) return undefined;
    if (this.#active?.id === activeId) return this.#active;
    this.#loading ??= this.loadActive().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  /** True once the active model (if any) is loaded in this process. */
  isLoaded(): boolean {
    return this.#active !== undefined;
  }

  async listModels(): Promise<RegisteredModel[]> {
    return this.deps.store.list();
  }

  /**
   * The models as `viewer` may see them: an admin sees who registered and activated each; anyone
   * else (an auditor) sees those people as the decision log shows them, by pseudonym, the
   * application itself by name, so that the registry does not give the log's pseudonyms away.
   */
  async listModelsFor(viewer: Principal): Promise<RegisteredModel[]> {
    const models = await this.listModels();
    if (viewer.roles.includes('admin')) return models;
    const asLogged = (id: string) => (id === SYSTEM.id ? id : this.deps.pseudonymise(id));
    return models.map((model) => ({
      ...model,
      registeredBy: asLogged(model.registeredBy),
      activatedBy: model.activatedBy === null ? null : asLogged(model.activatedBy),
    }));
  }

  async getModel(id: string): Promise<RegisteredModel> {
    const model = await this.deps.store.findById(id);
    if (model === undefined) throw new NotFoundError(`model ${id} was not found`);
    return model;
  }

  /** The model card (Markdown) shipped in the model's folder. */
  async getModelCard(id: string): Promise<string> {
    const model = await this.getModel(id);
    try {
      return await fs.readFile(path.join(this.deps.modelsDir, model.folder, CARD_FILE), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      throw new NotFoundError(`the card of model ${id} is no longer in the models directory`);
    }
  }

  /**
   * Registers the model in `folder` of the models directory. Refused when model.onnx does not
   * have the stated SHA-256, when the manifest is invalid or does not list the features this
   * code computes, or when the runtime cannot load it.
   */
  async registerModel(
    actor: Principal | typeof SYSTEM,
    folder: string,
    sha256: string,
  ): Promise<RegisteredModel> {
    if (!FOLDER_NAME.test(folder))
      throw new InvalidInputError('folder must be a folder name inside the models directory');
    const location = path.join(this.deps.modelsDir, folder);
    if (!(await isFolder(location)))
      throw new InvalidInputError(`folder ${folder} is not in the models directory`);
    let manifest: RegisteredModel['manifest'];
    try {
      const loaded = await readModelFolder(location, sha256);
      assertFeatureList(loaded.manifest, FEATURE_NAMES);
      assertModelId(loaded.manifest);
      // The card is served to auditors and counselors: a model without one is not registrable.
      await fs.access(path.join(location, CARD_FILE));
      manifest = loaded.manifest;
      await (await this.deps.loadScorer(location, loaded.sha256)).close();
    } catch (error) {
      throw describeRegistrationError(error, folder);
    }
    const model: RegisteredModel = {
      id: `${manifest.name}-${manifest.version}`,
      name: manifest.name,
      version: manifest.version,
      sha256: sha256.toLowerCase(),
      folder,
      manifest,
      status: 'registered',
      registeredBy: 'subject' in actor ? actor.subject : actor.id,
      registeredAt: this.deps.now().toISOString(),
      activatedBy: null,
      activatedAt: null,
      retiredAt: null,
    };
    const duplicate = () => new ConflictError(`model ${model.id} is already registered`);
    if ((await this.deps.store.findById(model.id)) !== undefined) throw duplicate();
    try {
      await this.deps.decisionLog.withTransaction(async (trx) => {
        await this.deps.store.insert(trx, model);
        await this.deps.decisionLog.append(trx, {
          type: 'model.registered',
          actor: actorOf(actor),
          payload: {
            modelId: model.id,
            version: model.version,
            sha256: model.sha256,
            attributionMethod: manifest.attributionMethod,
            metrics: manifest.metrics,
          },
        });
      });
    } catch (error) {
      // A concurrent registration of the same id won the race (the insert broke the primary key).
      if ((await this.deps.store.findById(model.id)) !== undefined) throw duplicate();
      throw error;
    }
    return model;
  }

  /**
   * Makes a registered model the active one, atomically (the previous one is retired). The new
   * scorer is loaded first, so a model that cannot load is never activated; requests already
   * running finish on the scorer they started with.
   */
  async activateModel(actor: Principal | typeof SYSTEM, id: string): Promise<RegisteredModel> {
    const model = await this.getModel(id);
    let scorer: Scorer;
    try {
      scorer = await this.deps.loadScorer(path.join(this.deps.modelsDir, model.folder), model.sha256);
    } catch (error) {
      throw new ConflictError(
        `model ${id} cannot be loaded any more: ${describeRegistrationError(error, model.folder).message}`,
      );
    }
    try {
      await this.deps.decisionLog.withTransaction(async (trx) => {
        const previousId = await this.deps.store.activate(
          trx,
          id,
          'subject' in actor ? actor.subject : actor.id,
          this.deps.now(),
        );
        await this.deps.decisionLog.append(trx, {
          type: 'model.activated',
          actor: actorOf(actor),
          payload: { modelId: id, sha256: model.sha256, previousModelId: previousId ?? null },
        });
      });
    } catch (error) {
      await scorer.close();
      throw error;
    }
    this.swap({ id, scorer });
    return this.getModel(id);
  }

  /** Closes the scorers this process holds. */
  async close(): Promise<void> {
    for (const timer of this.#retiring) clearTimeout(timer);
    await this.#active?.scorer.close();
    this.#active = undefined;
  }

  /** The model registered from `folder`, registering it when no process has yet. */
  private async findOrRegister(folder: string, sha256: string): Promise<RegisteredModel> {
    const find = async () => (await this.deps.store.list()).find((model) => model.folder === folder);
    const existing = await find();
    if (existing !== undefined) return existing;
    try {
      return await this.registerModel(SYSTEM, folder, sha256);
    } catch (error) {
      const registered = error instanceof ConflictError ? await find() : undefined;
      if (registered === undefined) throw error;
      return registered;
    }
  }

  private async loadActive(): Promise<ActiveModel | undefined> {
    const model = await this.deps.store.findActive();
    return model === undefined ? undefined : this.load(model);
  }

  private async load(model: RegisteredModel): Promise<ActiveModel | undefined> {
    const scorer = await this.deps.loadScorer(path.join(this.deps.modelsDir, model.folder), model.sha256);
    this.swap({ id: model.id, scorer });
    return this.#active;
  }

  private swap(next: ActiveModel): void {
    const old = this.#active;
    this.#active = next;
    if (old === undefined || old.scorer === next.scorer) return;
    const timer = setTimeout(() => {
      this.#retiring.delete(timer);
      void old.scorer.close();
    }, this.deps.retireGraceMs ?? 60_000);
    timer.unref();
    this.#retiring.add(timer);
  }
}

function actorOf(actor: Principal | typeof SYSTEM): { role: 'admin' | 'system'; id: string } {
  return 'subject' in actor ? { role: 'admin', id: actor.subject } : { role: 'system', id: actor.id };
}

/** The registry id `<name>-<version>` must be addressable in the API and fit the models table. */
function assertModelId(manifest: ModelManifest): void {
  const id = `${manifest.name}-${manifest.version}`;
  if (
    !MODEL_ID.test(id) ||
    manifest.name.length > MAX_NAME_LENGTH ||
    manifest.version.length > MAX_NAME_LENGTH
  ) {
    throw new ManifestError(
      '$.name',
      `name and version must form an id matching ${MODEL_ID.source}, each at most ${MAX_NAME_LENGTH} characters`,
    );
  }
}

async function isFolder(location: string): Promise<boolean> {
  try {
    return (await fs.stat(location)).isDirectory();
  } catch {
    return false;
  }
}

function describeRegistrationError(error: unknown, folder: string): Error {
  if (error instanceof ModelIntegrityError) {
    return new InvalidInputError('model.onnx does not have the stated sha256', {
      expectedSha256: error.expectedSha256,
      actualSha256: error.actualSha256,
    });
  }
  if (error instanceof ManifestError)
    return new InvalidInputError(`the manifest is not valid: ${error.message}`);
  const { code, path: missing } = error as NodeJS.ErrnoException;
  if (code === 'ENOENT') {
    const file =
      missing === undefined ? `${MODEL_FILE}, ${MANIFEST_FILE} or ${CARD_FILE}` : path.basename(missing);
    return new InvalidInputError(`folder ${folder} of the models directory has no ${file}`);
  }
  return new InvalidInputError(`the model cannot be loaded: ${(error as Error).message}`);
}
