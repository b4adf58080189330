import fs from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import { scrubAfterCommit } from '../erasure/scrub-after-commit.ts';
import type { StorageScrubber } from '../erasure/storage-scrubber.ts';
import { FEATURE_NAMES } from '../model/features.ts';
import {
  assertFeatureList,
  assertStorableTexts,
  ManifestError,
  type ModelManifest,
} from '../model/manifest.ts';
import {
  assertSha256,
  CARD_FILE,
  computeSha256,
  type ExpectedModelHashes,
  MANIFEST_FILE,
  MODEL_FILE,
  ModelIntegrityError,
  readModelFolder,
} from '../model/model-folder.ts';
import type { ModelSetsWithdrawn, SetsRecall } from '../recommendations/withdraw-model-sets.ts';
import type { ActiveModel, ActiveModelSource, ActiveModelState } from '../scoring/active-model.ts';
import { ModelOutputError } from '../scoring/model-output-check.ts';
import type { Scorer } from '../scoring/scorer.ts';
import type { LoggedTextCheck } from '../screening/refuse-sensitive-logged-text.ts';
import { ConflictError, InvalidInputError, NotFoundError, problemType } from '../shared/errors.ts';
import { countShownCharacters, requireShownText } from '../shared/shown-text.ts';
import { APPLICATION_ACTOR_IDS, isApplicationActorId } from './application-actors.ts';
import type { ModelStore } from './model-store.ts';
import type { ModelRecall, RegisteredModel } from './registered-model.ts';

/**
 * Loads a model folder into a scorer, refusing a model.onnx or manifest.json whose SHA-256 differs
 * from the registered one (onnxruntime in production).
 */
export type ScorerLoader = (folder: string, expected: ExpectedModelHashes) => Promise<Scorer>;

/**
 * Takes back, in a recall's transaction, the sets the recalled model made: retracts every published
 * one (replaced by a later publication or not), withdraws those still open, each with its own event; returns their ids.
 */
export type ModelSetsWithdrawal = (
  trx: Knex.Transaction,
  modelId: string,
  recall: SetsRecall,
) => Promise<ModelSetsWithdrawn>;

/** A recall as it answers: the model, recalled, and the sets taken back. */
export interface ModelRecallResult extends Omit<ModelSetsWithdrawn, 'outcomesDeleted'> {
  model: RegisteredModel;
}

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
  /**
   * How long after a failed load of the active model, or a failed registration of the shipped one,
   * the next request tries again (measured on `now`); until then the model is reported unavailable
   * without touching the disk. 30 s by default (`MODEL_LOAD_RETRY_SECONDS`).
   */
  loadRetryMs?: number;
  /**
   * Where failed loads and registrations (error), recoveries (info) and failed steps after a
   * committed change (warn) are logged.
   */
  logger?: Pick<Logger, 'error' | 'info' | 'warn'>;
  /** The check of an activation's or a recall's reason, which the log keeps readable (no sensitive details, no id). */
  checkLoggedText: LoggedTextCheck;
  /** What a recall does to the sets the model made, in the recall's transaction. */
  withdrawModelSets: ModelSetsWithdrawal;
  /** Clears from the database files the outcomes a recall's retractions deleted, once it committed. */
  scrubber: StorageScrubber;
}

/** A model's last failed load in this process. */
interface LoadFailure {
  modelId: string;
  reason: string;
  /** `now()` of the attempt, in ms. */
  at: number;
}

/** The shipped model's last failed registration in this process, while no model is active. */
interface RegistrationFailure {
  folder: string;
  reason: string;
  /** `now()` of the attempt, in ms. */
  at: number;
}

const DEFAULT_LOAD_RETRY_MS = 30_000;

/**
 * Read errors that mean the models directory holds no readable card where the registered one was:
 * there is nothing to serve until an admin puts it back (404, like a card removed), rather than a
 * fault of the service. Other errors (a disk fault, too many open files) stay unexpected.
 */
const UNREADABLE_CARD: Readonly<Record<string, string>> = {
  ENOENT: 'is no longer there',
  ENOTDIR: 'is no longer there (its folder is not a folder)',
  EISDIR: 'is a folder, not a file',
  EACCES: 'is not readable by the service (permission denied)',
  EPERM: 'is not readable by the service (permission denied)',
};
const SILENT: Pick<Logger, 'error' | 'info' | 'warn'> = { error: () => {}, info: () => {}, warn: () => {} };

const FOLDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
/** The contract's pattern for a model id in a path, and the models table's column widths. */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,139}$/;
const MAX_NAME_LENGTH = 64;
/**
 * The application registering and activating the shipped model itself: on start, or on a later
 * request once a start could not. Their names are not pseudonymised: they are nobody.
 */
const SYSTEM_ACTORS = {
  startup: { role: 'system', id: APPLICATION_ACTOR_IDS.startup },
  retry: { role: 'system', id: APPLICATION_ACTOR_IDS.shippedModelRetry },
} as const;
type SystemActor = (typeof SYSTEM_ACTORS)[keyof typeof SYSTEM_ACTORS];

/**
 * The model registry: registers model folders after checking their bytes and manifest, keeps
 * exactly one model active, and serves the active model's scorer. A process notices an
 * activation made by another process on its next request and loads that model: a request is served
 * the model active when it asked, never one an activation had replaced by then, even one this
 * process was still loading. A request that reads active the model an activation here has just
 * committed is served the scorer that activation loaded, not a second load of the same file.
 *
 * model.onnx and manifest.json are checked against their registered hashes at every load, the card
 * each time it is served. An active model that cannot be loaded (a file missing or changed, a graph
 * the runtime refuses) leaves the process without a usable model, not stopped: the failure is
 * logged, suggestions are refused with the manual path, and a later request tries again once
 * `loadRetryMs` has passed. So does a shipped model that could not be registered on an empty
 * database: reported unavailable (not merely "none active") and registered again on that interval.
 */
export class ModelRegistry implements ActiveModelSource {
  #active: ActiveModel | undefined;
  /**
   * Loads under way, by model id: requests that read the same active model wait for one load, and a
   * request that reads another model active starts that model's load instead of joining a load of
   * the one it replaced.
   */
  readonly #loading = new Map<string, Promise<ActiveModelState>>();
  /**
   * Models loaded here by an activation not answered yet, by id: its transaction may have committed
   * already, and a request that reads the model active then is served this scorer rather than
   * loading the same file again.
   */
  readonly #activating = new Map<string, ActiveModel>();
  /** The shipped model's registration tried again, while none is active: one at a time. */
  #registering: Promise<ActiveModelState> | undefined;
  /**
   * Failed loads, by model id: a load of a model replaced meanwhile that fails later does not wipe
   * out the failure of the active one, whose retry interval stands.
   */
  readonly #failures = new Map<string, LoadFailure>();
  #registrationFailure: RegistrationFailure | undefined;
  /** Scorers no longer served, each closed when its grace period ends (or when the registry closes). */
  readonly #retiring = new Map<NodeJS.Timeout, Scorer>();

  constructor(private readonly deps: ModelRegistryDeps) {}

  /**
   * On start: when no model is active, registers and activates the shipped model folder (if the
   * deployment has one: `null` for none), unless `activateShipped` is false (production's default:
   * the shipped model was trained on synthetic data, so putting it in front of people is an admin's
   * act); when one is, registers the shipped folder if no process has yet (a new version shipped
   * with an upgrade) and leaves it for an admin to activate, so that the model serving people never
   * changes without an admin's act; then loads the active model and warms it up. A model that cannot be registered, activated or loaded is logged and leaves the
   * process without a usable model: it starts all the same, so that counselors keep the manual path,
   * and a later request tries again once `loadRetryMs` has passed (so that putting the files right
   * heals the process without a restart).
   */
  async start(shippedFolder: string | null, { activateShipped = true } = {}): Promise<void> {
    if (shippedFolder !== null) {
      const noneActive = (await this.deps.store.findActiveId()) === undefined;
      if (noneActive && activateShipped) await this.registerShipped(shippedFolder);
      else await this.registerShippedInactive(shippedFolder);
    }
    await this.currentState();
  }

  async current(): Promise<ActiveModel | undefined> {
    const state = await this.currentState();
    return state.status === 'loaded' ? state.model : undefined;
  }

  /**
   * The model active when this was asked, loaded, or why there is none to use: never a model that
   * another activation had already replaced (in this process or another) when it was asked.
   */
  async currentState(): Promise<ActiveModelState> {
    const activeId = await this.deps.store.findActiveId();
    if (activeId === undefined) {
      const failure = this.#registrationFailure;
      if (failure === undefined) return { status: 'none' };
      if (!this.isRetryDue(failure.at)) return this.registrationUnavailable(failure);
      this.#registering ??= this.registerShippedAgain(failure.folder).finally(() => {
        this.#registering = undefined;
      });
      return this.#registering;
    }
    if (this.#active?.id === activeId) return { status: 'loaded', model: this.#active };
    const activating = this.#activating.get(activeId);
    if (activating !== undefined) return { status: 'loaded', model: activating };
    const failure = this.#failures.get(activeId);
    if (failure !== undefined && !this.isRetryDue(failure.at)) return this.loadUnavailable(failure);
    return this.loadModel(activeId);
  }

  /** Every model, newest registration first, read in `trx` when given. */
  async listModels(trx?: Knex.Transaction): Promise<RegisteredModel[]> {
    return this.deps.store.list(trx);
  }

  /**
   * The models as `viewer` may see them: an admin sees who registered and activated each; anyone
   * else (an auditor) sees those people as the decision log shows them, by pseudonym, the
   * application itself by name, so that the registry does not give the log's pseudonyms away.
   */
  async listModelsFor(viewer: Principal): Promise<RegisteredModel[]> {
    const models = await this.listModels();
    if (viewer.roles.includes('admin')) return models;
    // No admin token carries one of the application's ids (the token verifier refuses it).
    const asLogged = (id: string) => (isApplicationActorId(id) ? id : this.deps.pseudonymise(id));
    return models.map((model) => ({
      ...model,
      registeredBy: asLogged(model.registeredBy),
      activatedBy: model.activatedBy === null ? null : asLogged(model.activatedBy),
      recall: model.recall === null ? null : { ...model.recall, by: asLogged(model.recall.by) },
    }));
  }

  async getModel(id: string): Promise<RegisteredModel> {
    const model = await this.deps.store.findById(id);
    if (model === undefined) throw new NotFoundError(`model ${id} was not found`);
    return model;
  }

  /**
   * The model card (Markdown) shipped in the model's folder, refused when its bytes are no longer
   * the registered ones: a changed card is never served. A model registered before cards were
   * hashed has its card served unchecked. No readable card where it was (removed, a folder, not
   * readable) is a NotFoundError naming the file. A recalled model's card starts with a notice of
   * its recall, so that whoever reads it learns the model is not to be used.
   */
  async getModelCard(id: string): Promise<string> {
    const model = await this.getModel(id);
    const read = await readCard(this.deps.modelsDir, model);
    if ('unreadable' in read) {
      // Answered 404, so the log is where operators learn that a registered card needs putting back.
      this.logger.error(
        { modelId: id, file: read.file, code: read.code },
        'a registered model card cannot be read: it is not served',
      );
      throw new NotFoundError(`the card of model ${id} cannot be read: ${read.unreadable}`, {
        file: CARD_FILE,
      });
    }
    const { card } = read;
    try {
      assertSha256(CARD_FILE, computeSha256(card), model.cardSha256);
    } catch (error) {
      if (!(error instanceof ModelIntegrityError)) throw error;
      throw fileChanged(
        `the card of model ${id} in the models directory is no longer the one registered; it is not served`,
        error,
      );
    }
    const text = card.toString('utf8');
    return model.recall === null ? text : `${describeRecall(model.recall)}\n\n${text}`;
  }

  /**
   * Registers the model in `folder` of the models directory, with the SHA-256 of its manifest and
   * card. Refused when model.onnx does not have the stated SHA-256, when the manifest is invalid or
   * does not list the features this code computes, when there is no card (or an empty one), when the runtime
   * cannot load it, or when its outputs on reference rows break the model contract (problem
   * `model-outputs-invalid`): nothing is stored nor logged then.
   */
  async registerModel(
    actor: Principal | SystemActor,
    folder: string,
    sha256: string,
  ): Promise<RegisteredModel> {
    if (!FOLDER_NAME.test(folder))
      throw new InvalidInputError('folder must be a folder name inside the models directory');
    const location = path.join(this.deps.modelsDir, folder);
    if (!(await isFolder(location)))
      throw new InvalidInputError(`folder ${folder} is not in the models directory`);
    let manifest: RegisteredModel['manifest'];
    let manifestSha256: string;
    let cardSha256: string;
    try {
      const loaded = await readModelFolder(location, sha256);
      assertFeatureList(loaded.manifest, FEATURE_NAMES);
      assertModelId(loaded.manifest);
      assertStorableTexts(loaded.manifest);
      // The card is served to auditors and counselors: a model without one is not registrable, nor
      // one whose card shows nothing to read.
      const card = await fs.readFile(path.join(location, CARD_FILE));
      if (countShownCharacters(card.toString('utf8')) === 0) {
        throw new InvalidInputError(
          `the ${CARD_FILE} of folder ${folder} is empty: there is no card to read`,
        );
      }
      cardSha256 = computeSha256(card);
      manifest = loaded.manifest;
      manifestSha256 = loaded.manifestSha256;
      // The runtime loads the manifest that was checked above, or refuses one changed meanwhile.
      await (await this.deps.loadScorer(location, { sha256: loaded.sha256, manifestSha256 })).close();
    } catch (error) {
      throw describeRegistrationError(error, folder);
    }
    const model: RegisteredModel = {
      id: `${manifest.name}-${manifest.version}`,
      name: manifest.name,
      version: manifest.version,
      sha256: sha256.toLowerCase(),
      manifestSha256,
      cardSha256,
      folder,
      manifest,
      status: 'registered',
      registeredBy: 'subject' in actor ? actor.subject : actor.id,
      registeredAt: this.deps.now().toISOString(),
      activatedBy: null,
      activatedAt: null,
      retiredAt: null,
      recall: null,
    };
    const existing = await this.deps.store.findById(model.id);
    if (existing !== undefined) throw duplicateOf(model, existing);
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
            manifestSha256: model.manifestSha256,
            cardSha256: model.cardSha256,
            attributionMethod: manifest.attributionMethod,
            metrics: manifest.metrics,
          },
        });
      });
    } catch (error) {
      // A concurrent registration of the same id won the race (the insert broke the primary key).
      const registered = await this.deps.store.findById(model.id);
      if (registered !== undefined) throw duplicateOf(model, registered);
      throw error;
    }
    return model;
  }

  /**
   * Makes a registered model the active one, atomically (the previous one is retired). The new
   * scorer is loaded first, so a model that cannot load (or whose model.onnx or manifest.json is
   * no longer the registered one, or whose outputs break the model contract: one registered before
   * they were checked) is never activated, nor one whose card could not be served (no longer there,
   * or changed); requests already running finish on the
   * scorer they started with. `reason` (why, on whose review: the card read, the release notes)
   * goes with `model.activated`, readable by auditors for good, so it is refused when it mentions
   * sensitive details or a person's id (see `createLoggedTextCheck`). A recalled model is never
   * activated again.
   */
  async activateModel(
    actor: Principal | SystemActor,
    id: string,
    options: { reason?: string } = {},
  ): Promise<RegisteredModel> {
    const reason = options.reason === undefined ? undefined : requireShownText('reason', options.reason);
    if (reason !== undefined) {
      await this.deps.checkLoggedText(
        { actor: actorOf(actor), operation: 'activateModel' },
        { field: 'reason' },
        reason,
        'say why the model goes live',
      );
    }
    return this.activate(actor, id, 'replace', reason);
  }

  /**
   * Loads model `id` and makes it active with its `model.activated` event: retiring the active one
   * (`replace`), or only when none is active (`if_none_active`, checked in the activating
   * transaction), so that registering the shipped model again never overrules a model an admin has
   * activated meanwhile. Returns the model as the activating transaction left it: read back after
   * the commit, a failed read would answer as undone an activation that was done.
   */
  private async activate(
    actor: Principal | SystemActor,
    id: string,
    mode: 'replace' | 'if_none_active',
    reason?: string,
  ): Promise<RegisteredModel> {
    const model = await this.getModel(id);
    if (model.recall !== null) throw recalledConflict(id, model.recall.at, 'it cannot be activated again');
    await this.assertCardServable(model);
    let scorer: Scorer;
    try {
      scorer = await this.deps.loadScorer(path.join(this.deps.modelsDir, model.folder), hashesOf(model));
    } catch (error) {
      // Registered before outputs were checked: refused as its registration would be now.
      if (error instanceof ModelOutputError) throw describeRegistrationError(error, model.folder);
      const message = `model ${id} cannot be loaded any more: ${describeLoadFailure(error, model.folder)}`;
      throw error instanceof ModelIntegrityError ? fileChanged(message, error) : new ConflictError(message);
    }
    const loaded: ActiveModel = { id, scorer };
    // Once the transaction commits, a request may read the model active before this is answered.
    if (!this.#activating.has(id)) this.#activating.set(id, loaded);
    let outcome: 'activated' | 'already_active' | 'skipped' = 'skipped';
    let written = model;
    try {
      await this.deps.decisionLog.withTransaction(async (trx) => {
        const by = 'subject' in actor ? actor.subject : actor.id;
        const now = this.deps.now();
        let previousId: string | undefined;
        if (mode === 'replace') {
          const activation = await this.deps.store.activate(trx, id, by, now);
          // Recalled since it was read above.
          if (activation.outcome === 'recalled') {
            throw recalledConflict(id, activation.recalledAt, 'it cannot be activated again');
          }
          // Activating the active model again changes nothing in the registry, but it is the admin's
          // act all the same, with the reason they gave (a card read again, a review that kept the
          // model live): logged as such, as a PUT of unchanged settings is.
          if (activation.outcome === 'already_active') {
            outcome = 'already_active';
            previousId = id;
          } else previousId = activation.previousId;
        } else if (!(await this.deps.store.activateIfNoneActive(trx, id, by, now))) return;
        await this.deps.decisionLog.append(trx, {
          type: 'model.activated',
          actor: actorOf(actor),
          payload: {
            modelId: id,
            sha256: model.sha256,
            previousModelId: previousId ?? null,
            ...(outcome === 'already_active' ? { alreadyActive: true } : {}),
            ...(reason === undefined ? {} : { reason }),
          },
        });
        if (outcome !== 'already_active') outcome = 'activated';
        written = (await this.deps.store.findById(id, trx)) ?? model;
      });
    } catch (error) {
      // A request may have been served it (the model was active already, or the commit's answer was lost).
      this.retireLater(scorer);
      throw error;
    } finally {
      if (this.#activating.get(id) === loaded) this.#activating.delete(id);
    }
    // Already active but not loaded here (a failed load waiting for its retry): the model this
    // process just loaded serves from now on.
    if (outcome === 'skipped' || (outcome === 'already_active' && this.#active?.id === id)) {
      // Not closed at once: a request may have been served it while the transaction committed.
      this.retireLater(scorer);
      return written;
    }
    this.swap(loaded);
    return written;
  }

  /**
   * Recalls a model found faulty (AI Act Art. 26(5): the deployer suspends its use and withdraws its
   * outputs), in one transaction: the model is marked recalled, for good (never activated again;
   * active until now, it leaves no model active, and suggestions take the manual path); every set it
   * published is retracted (replaced by a later publication or not) and every open one withdrawn (`withdrawModelSets`); one
   * `model.recalled` event names them. `reason` is kept readable in the log and read by the people
   * concerned in their file, so it is refused when it mentions sensitive details or a person's id.
   * A model recalled already is a conflict.
   */
  async recallModel(actor: Principal, id: string, reason: string): Promise<ModelRecallResult> {
    const model = await this.getModel(id);
    if (model.recall !== null) throw recalledConflict(id, model.recall.at, 'it cannot be recalled again');
    const why = requireShownText('reason', reason);
    await this.deps.checkLoggedText(
      { actor: actorOf(actor), operation: 'recallModel' },
      { field: 'reason' },
      why,
      'say why the model is recalled',
    );
    const at = this.deps.now();
    const { withdrawn, recalledModel } = await this.deps.decisionLog.withTransaction(async (trx) => {
      const recall = { by: actor.subject, at: at.toISOString(), reason: why };
      const recalled = await this.deps.store.recall(trx, id, recall);
      if (recalled.outcome === 'not_found') throw new NotFoundError(`model ${id} was not found`);
      if (recalled.outcome === 'already_recalled') {
        throw recalledConflict(id, recalled.recalledAt, 'it cannot be recalled again');
      }
      const sets = await this.deps.withdrawModelSets(trx, id, { adminId: actor.subject, at, reason: why });
      await this.deps.decisionLog.append(trx, {
        type: 'model.recalled',
        actor: actorOf(actor),
        payload: {
          modelId: id,
          sha256: model.sha256,
          wasActive: recalled.wasActive,
          reason: why,
          retractedCount: sets.retractedSetIds.length,
          withdrawnCount: sets.withdrawnSetIds.length,
          retractedSetIds: sets.retractedSetIds,
          withdrawnSetIds: sets.withdrawnSetIds,
        },
      });
      // Read in the transaction: once it committed, a failed read would answer the recall as undone.
      return { withdrawn: sets, recalledModel: (await this.deps.store.findById(id, trx)) ?? model };
    });
    this.forget(id);
    // As after an erasure: the deleted outcomes leave the files too (record 0006).
    if (withdrawn.outcomesDeleted > 0) await scrubAfterCommit(this.deps.scrubber, this.logger);
    const { retractedSetIds, withdrawnSetIds } = withdrawn;
    return { model: recalledModel, retractedSetIds, withdrawnSetIds };
  }

  /**
   * Whether model `id` was recalled, read in `trx`: a set it scored while a recall committed is not
   * stored. Under the log's lock, which a recall holds until it commits, the answer is final.
   */
  async isRecalled(id: string, trx: Knex.Transaction): Promise<boolean> {
    return this.deps.store.isRecalled(id, trx);
  }

  /**
   * Refuses to activate a model whose card cannot be served (removed, unreadable, or no longer the
   * registered one): counselors and auditors read it while the model serves, and registration
   * refuses a model without one for that reason. A model registered before cards were hashed only
   * needs a readable card.
   */
  private async assertCardServable(model: RegisteredModel): Promise<void> {
    const read = await readCard(this.deps.modelsDir, model);
    const refused = `model ${model.id} cannot be activated`;
    if ('unreadable' in read) throw new ConflictError(`${refused}: its card ${read.unreadable}`);
    try {
      assertSha256(CARD_FILE, computeSha256(read.card), model.cardSha256);
    } catch (error) {
      if (!(error instanceof ModelIntegrityError)) throw error;
      throw fileChanged(
        `${refused}: ${describeLoadFailure(error, model.folder)}; its card would not be served`,
        error,
      );
    }
  }

  /**
   * Closes the scorers this process holds, each whatever the others do: a release that fails is
   * logged, and leaves none of the others open.
   */
  async close(): Promise<void> {
    const scorers = [...this.#retiring.values()];
    for (const timer of this.#retiring.keys()) clearTimeout(timer);
    this.#retiring.clear();
    if (this.#active !== undefined) scorers.push(this.#active.scorer);
    this.#active = undefined;
    const closed = await Promise.allSettled(scorers.map((scorer) => scorer.close()));
    for (const result of closed) {
      if (result.status === 'rejected') {
        this.logger.error({ reason: String(result.reason) }, 'a model could not be released at shutdown');
      }
    }
  }

  /**
   * Registers and activates the shipped model folder (unless another process starting at the same
   * time did). A refusal about the folder's files is remembered and logged, not thrown; anything
   * else (the database, say) is thrown, and stops a start.
   */
  private async registerShipped(folder: string): Promise<void> {
    const failed = this.#registrationFailure !== undefined;
    const actor = failed ? SYSTEM_ACTORS.retry : SYSTEM_ACTORS.startup;
    try {
      const shipped = path.join(this.deps.modelsDir, folder);
      let sha256: string;
      try {
        sha256 = (await readModelFolder(shipped)).sha256;
      } catch (error) {
        throw describeRegistrationError(error, folder);
      }
      const model = await this.findOrRegister(actor, folder, sha256);
      if (model.recall !== null) {
        // An admin recalled it: never put back in front of people, whatever the configuration says.
        this.logger.info(
          { modelId: model.id, recalledAt: model.recall.at },
          'the shipped model was recalled: it is not activated; no model is active, so suggestions answer with the manual path until an admin activates one',
        );
        return;
      }
      // Another process, or an admin, may have activated a model meanwhile: it stays active.
      if ((await this.deps.store.findActiveId()) === undefined) {
        await this.activate(actor, model.id, 'if_none_active');
      }
    } catch (error) {
      // Refusals about the folder's files; anything else (the database, say) is not the model's fault.
      if (!(error instanceof InvalidInputError || error instanceof ConflictError)) throw error;
      this.#registrationFailure = { folder, reason: error.message, at: this.deps.now().getTime() };
      this.logger.error(
        { folder, reason: error.message, retryAfterMs: this.loadRetryMs },
        'the shipped model could not be registered and activated: no model is active, suggestions are refused and the manual path stays open until it can be',
      );
      return;
    }
    this.#registrationFailure = undefined;
    if (failed) {
      this.logger.info({ folder }, 'the shipped model was registered and activated: suggestions are back');
    }
  }

  /**
   * Registers the shipped model folder, not activating it: an upgrade that ships a new version makes
   * it available to an admin (`GET /v1/models`, `model.registered` in the log) without replacing what
   * people are served; a production start on an empty database leaves the choice to an admin. A
   * folder that cannot be registered is logged and changes nothing.
   */
  private async registerShippedInactive(folder: string): Promise<void> {
    const activeModelId = await this.deps.store.findActiveId();
    const serving =
      activeModelId === undefined
        ? 'no model is active, so suggestions answer with the manual path'
        : 'the active model serves on';
    try {
      let sha256: string;
      try {
        sha256 = (await readModelFolder(path.join(this.deps.modelsDir, folder))).sha256;
      } catch (error) {
        throw describeRegistrationError(error, folder);
      }
      const model = await this.findOrRegister(SYSTEM_ACTORS.startup, folder, sha256);
      if (model.status === 'registered' && model.registeredBy === SYSTEM_ACTORS.startup.id) {
        this.logger.info(
          { modelId: model.id, activeModelId },
          `the shipped model is registered, not active until an admin activates it; ${serving}`,
        );
      }
    } catch (error) {
      if (!(error instanceof InvalidInputError || error instanceof ConflictError)) throw error;
      this.logger.error(
        { folder, reason: error.message },
        `the shipped model could not be registered; ${serving}`,
      );
    }
  }

  /** The model registered from `folder`, registering it when no process has yet. */
  private async findOrRegister(actor: SystemActor, folder: string, sha256: string): Promise<RegisteredModel> {
    const find = async () => (await this.deps.store.list()).find((model) => model.folder === folder);
    const existing = await find();
    if (existing !== undefined) return existing;
    try {
      return await this.registerModel(actor, folder, sha256);
    } catch (error) {
      const registered = error instanceof ConflictError ? await find() : undefined;
      if (registered === undefined) throw error;
      return registered;
    }
  }

  private get logger(): Pick<Logger, 'error' | 'info' | 'warn'> {
    return this.deps.logger ?? SILENT;
  }

  private get loadRetryMs(): number {
    return this.deps.loadRetryMs ?? DEFAULT_LOAD_RETRY_MS;
  }

  /** Whether a failed attempt made at `at` (ms on `now`) may be tried again. */
  private isRetryDue(at: number): boolean {
    const now = this.deps.now().getTime();
    // A clock set back (a test's, or the system's) is no reason to wait longer.
    return now < at || now - at >= this.loadRetryMs;
  }

  private loadUnavailable(failure: LoadFailure): ActiveModelState {
    const { modelId, reason } = failure;
    return { status: 'unavailable', cause: 'load', modelId, reason, retryAfterMs: this.loadRetryMs };
  }

  private registrationUnavailable(failure: RegistrationFailure): ActiveModelState {
    const { folder, reason } = failure;
    return { status: 'unavailable', cause: 'registration', folder, reason, retryAfterMs: this.loadRetryMs };
  }

  /**
   * Registers the shipped model again when a start could not and no model is active, then serves
   * the active model: the shipped one, or one an admin activated meanwhile.
   */
  private async registerShippedAgain(folder: string): Promise<ActiveModelState> {
    await this.registerShipped(folder);
    const activeId = await this.deps.store.findActiveId();
    if (activeId === undefined) {
      const failure = this.#registrationFailure;
      return failure === undefined ? { status: 'none' } : this.registrationUnavailable(failure);
    }
    // Just activated here: already loaded.
    if (this.#active?.id === activeId) return { status: 'loaded', model: this.#active };
    return this.loadModel(activeId);
  }

  /** Model `id`, read active by the caller, loaded: by one load for every caller that read it. */
  private loadModel(id: string): Promise<ActiveModelState> {
    let loading = this.#loading.get(id);
    if (loading === undefined) {
      loading = this.load(id).finally(() => {
        this.#loading.delete(id);
      });
      this.#loading.set(id, loading);
    }
    return loading;
  }

  /**
   * Loads model `id` and serves it from now on if it is still the active one once loaded; a failure
   * is remembered and logged, never thrown. A model another activation replaced while it loaded
   * still answers the requests that read it active (they asked before the activation committed),
   * but is not served to later ones: its scorer is closed after the grace period.
   */
  private async load(id: string): Promise<ActiveModelState> {
    const model = await this.deps.store.findById(id);
    // Models are never deleted; a registry edited by hand has no model to serve.
    if (model === undefined) return { status: 'none' };
    let scorer: Scorer;
    try {
      scorer = await this.deps.loadScorer(path.join(this.deps.modelsDir, model.folder), hashesOf(model));
    } catch (error) {
      const failure = {
        modelId: model.id,
        reason: describeLoadFailure(error, model.folder),
        at: this.deps.now().getTime(),
      };
      this.#failures.set(model.id, failure);
      this.logger.error(
        { modelId: model.id, folder: model.folder, reason: failure.reason },
        'the active model could not be loaded: suggestions are refused and the manual path stays open until it loads',
      );
      return this.loadUnavailable(failure);
    }
    const loaded = { id: model.id, scorer };
    // Read again, as the catalog snapshot reads its version: an activation committed while this
    // loaded (here or in another process) has its own load, which a slower one must not undo.
    let stillActive: boolean;
    try {
      stillActive = (await this.deps.store.findActiveId()) === model.id;
    } catch (error) {
      this.retireLater(scorer);
      throw error;
    }
    if (!stillActive) {
      this.retireLater(scorer);
      return { status: 'loaded', model: loaded };
    }
    if (this.#failures.has(model.id)) {
      this.logger.info({ modelId: model.id }, 'the active model was loaded again: suggestions are back');
    }
    this.swap(loaded);
    return { status: 'loaded', model: loaded };
  }

  /**
   * Stops serving model `id` in this process once it was recalled: its scorer is closed after the
   * grace period (requests already running finish on it); a failed load of it is forgotten.
   */
  private forget(id: string): void {
    this.#failures.delete(id);
    const old = this.#active;
    if (old?.id !== id) return;
    this.#active = undefined;
    this.retireLater(old.scorer);
  }

  private swap(next: ActiveModel): void {
    const old = this.#active;
    this.#active = next;
    // Loaded: a failure of another model, replaced meanwhile, is tried afresh should it be activated again.
    this.#failures.clear();
    // A model is active and loaded: the shipped one no longer needs registering.
    this.#registrationFailure = undefined;
    if (old === undefined || old.scorer === next.scorer) return;
    this.retireLater(old.scorer);
  }

  /** Closes a scorer no longer served once requests still using it had time to finish. */
  private retireLater(scorer: Scorer): void {
    const timer = setTimeout(() => {
      this.#retiring.delete(timer);
      void scorer.close();
    }, this.deps.retireGraceMs ?? 60_000);
    timer.unref();
    this.#retiring.set(timer, scorer);
  }
}

function actorOf(actor: Principal | SystemActor): { role: 'admin' | 'system'; id: string } {
  return 'subject' in actor ? { role: 'admin', id: actor.subject } : { role: 'system', id: actor.id };
}

/** The refusal to act on a recalled model (problem `model-recalled`): `consequence` says what is refused. */
function recalledConflict(id: string, recalledAt: string, consequence: string): ConflictError {
  return new ConflictError(`model ${id} was recalled on ${recalledAt}; ${consequence}`, {
    ...problemType('model-recalled'),
    recalledAt,
  });
}

/** The notice a recalled model's card starts with: when, and the admin's reason, quoted. */
function describeRecall(recall: ModelRecall): string {
  const reason = recall.reason
    .split(/\r?\n/)
    .map((line) => `> ${line}`.trimEnd())
    .join('\n');
  return [
    `> **Recalled on ${recall.at}: do not use this model.** It was found faulty and recalled by an admin: every suggestion it made that was published to a person was taken back, those under review withdrawn, and it cannot be activated again.`,
    '>',
    '> Reason given:',
    reason,
  ].join('\n');
}

/**
 * Why `model` cannot be registered over `existing`, which holds its id: the same name and version, or
 * another split of the same id (`a-b` version `1`, `a` version `b-1`), whose ids stored stay as they are.
 */
function duplicateOf(model: RegisteredModel, existing: RegisteredModel): ConflictError {
  if (existing.name === model.name && existing.version === model.version) {
    return new ConflictError(`model ${model.id} is already registered`);
  }
  return new ConflictError(
    `name ${model.name} and version ${model.version} make the id ${model.id} of the model registered as name ${existing.name} version ${existing.version}: give this model another name or version`,
  );
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

/**
 * A registered model's card as the models directory holds it, or why there is none to read there
 * (`unreadable`: the file, in the models directory, and what is wrong with it). Other read errors (a
 * disk fault, too many open files) are thrown.
 */
async function readCard(
  modelsDir: string,
  model: RegisteredModel,
): Promise<{ card: Buffer } | { unreadable: string; file: string; code: string }> {
  try {
    return { card: await fs.readFile(path.join(modelsDir, model.folder, CARD_FILE)) };
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    const why = code === undefined ? undefined : UNREADABLE_CARD[code];
    if (code === undefined || why === undefined) throw error;
    const file = `${model.folder}/${CARD_FILE}`;
    return { unreadable: `${file} in the models directory ${why}`, file, code };
  }
}

async function isFolder(location: string): Promise<boolean> {
  try {
    return (await fs.stat(location)).isDirectory();
  } catch {
    return false;
  }
}

/** The hashes a registered model's files must still have when it is loaded. */
function hashesOf(model: RegisteredModel): ExpectedModelHashes {
  return { sha256: model.sha256, manifestSha256: model.manifestSha256 };
}

/** A file of a registered model that is no longer the one registered (problem `model-file-changed`). */
function fileChanged(message: string, error: ModelIntegrityError): ConflictError {
  return new ConflictError(message, {
    ...problemType('model-file-changed'),
    file: error.file,
    expectedSha256: error.expectedSha256,
    actualSha256: error.actualSha256,
  });
}

/** Why a registered model could not be loaded, for the log and for a refused activation. */
function describeLoadFailure(error: unknown, folder: string): string {
  if (error instanceof ModelIntegrityError) {
    return `${error.file} is no longer the one registered (sha256 ${error.actualSha256}, registered ${error.expectedSha256})`;
  }
  return describeRegistrationError(error, folder).message;
}

function describeRegistrationError(error: unknown, folder: string): Error {
  if (error instanceof InvalidInputError) return error;
  if (error instanceof ModelIntegrityError) {
    // The stated hash is model.onnx's; the manifest's is only checked when it changed meanwhile.
    const message =
      error.file === MODEL_FILE
        ? 'model.onnx does not have the stated sha256'
        : `${error.file} changed while the model was being registered`;
    return new InvalidInputError(message, {
      expectedSha256: error.expectedSha256,
      actualSha256: error.actualSha256,
    });
  }
  if (error instanceof ManifestError)
    return new InvalidInputError(`the manifest is not valid: ${error.message}`);
  if (error instanceof ModelOutputError) {
    return new InvalidInputError(
      `the model's outputs break the model contract on reference rows: ${error.message}`,
      problemType('model-outputs-invalid'),
    );
  }
  const { code, path: missing } = error as NodeJS.ErrnoException;
  if (code === 'ENOENT') {
    const file =
      missing === undefined ? `${MODEL_FILE}, ${MANIFEST_FILE} or ${CARD_FILE}` : path.basename(missing);
    return new InvalidInputError(`folder ${folder} of the models directory has no ${file}`);
  }
  return new InvalidInputError(`the model cannot be loaded: ${(error as Error).message}`);
}
