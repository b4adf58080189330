import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import { scrubAfterCommit } from '../erasure/scrub-after-commit.ts';
import type { StorageScrubber } from '../erasure/storage-scrubber.ts';
import type { ModelSetsWithdrawn, SetsRecall } from '../recommendations/withdraw-model-sets.ts';
import type { ActiveModel, ActiveModelSource, ActiveModelState } from '../scoring/active-model.ts';
import { ModelOutputError } from '../scoring/model-output-check.ts';
import type { Scorer } from '../scoring/scorer.ts';
import type { LoggedTextCheck } from '../screening/refuse-sensitive-logged-text.ts';
import { NotFoundError } from '../shared/errors.ts';
import { requireShownText } from '../shared/shown-text.ts';
import { type ActivationOutcome, ActiveScorerCache, type ScorerLoader } from './active-scorer-cache.ts';
import { isApplicationActorId, type SystemActor } from './application-actors.ts';
import { checkRegistrableFolder } from './check-registrable-folder.ts';
import { assertCardServable, readServedCard } from './model-card.ts';
import {
  describeRegistrationError,
  duplicateOf,
  loadRefused,
  RECALLED_NOT_ACTIVATED,
  recalledConflict,
  recalledFileRefusal,
} from './model-refusals.ts';
import type { ModelStore } from './model-store.ts';
import type { RegisteredModel } from './registered-model.ts';
import { RetryInterval } from './retry-interval.ts';
import { ShippedModelStartup } from './shipped-model-startup.ts';

export type { ScorerLoader } from './active-scorer-cache.ts';

/**
 * Takes back, in a recall's transaction, the sets the recalled model made: retracts every published
 * one (replaced by a later publication or not), withdraws those still open, each with its own event; returns their ids.
 */
export type ModelSetsWithdrawal = (
  trx: Knex.Transaction,
  modelId: string,
  recall: SetsRecall,
) => Promise<ModelSetsWithdrawn>;

/**
 * A recall as it answers: the model, recalled, the sets taken back, and the other models that hold
 * the same model.onnx and were not recalled (the file may be the fault: the active one among them
 * serves on, the others are activated only on a reason, `recalledFileRefusal`).
 */
export interface ModelRecallResult extends Omit<ModelSetsWithdrawn, 'outcomesDeleted'> {
  model: RegisteredModel;
  sameFileModels: RegisteredModel[];
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

const DEFAULT_LOAD_RETRY_MS = 30_000;
const SILENT: Pick<Logger, 'error' | 'info' | 'warn'> = { error: () => {}, info: () => {}, warn: () => {} };

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
  /** The scorers of this process: the active model's, and those loading, activating or retiring. */
  readonly #scorers: ActiveScorerCache;
  /** The shipped model's registration at start-up, and again after a start that could not. */
  readonly #shipped: ShippedModelStartup;
  readonly #logger: Pick<Logger, 'error' | 'info' | 'warn'>;

  constructor(private readonly deps: ModelRegistryDeps) {
    const logger = deps.logger ?? SILENT;
    const retry = new RetryInterval(deps.now, deps.loadRetryMs ?? DEFAULT_LOAD_RETRY_MS);
    const { store, modelsDir, now } = deps;
    this.#logger = logger;
    this.#scorers = new ActiveScorerCache({
      store,
      loadScorer: deps.loadScorer,
      modelsDir,
      now,
      retry,
      retireGraceMs: deps.retireGraceMs,
      logger,
      // A model is active and loaded: the shipped one no longer needs registering.
      onServing: () => this.#shipped.forgetFailure(),
    });
    this.#shipped = new ShippedModelStartup({
      store,
      modelsDir,
      now,
      retry,
      logger,
      scorers: this.#scorers,
      register: (actor, folder, sha256) => this.registerModel(actor, folder, sha256),
      activateIfNoneActive: (actor, id) => this.activate(actor, id, 'if_none_active'),
    });
  }

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
    if (shippedFolder !== null) await this.#shipped.registerOnStart(shippedFolder, activateShipped);
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
    if (activeId === undefined) return this.#shipped.stateWhileNoneActive();
    return this.#scorers.state(activeId);
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
    return readServedCard(this.deps.modelsDir, await this.getModel(id), this.#logger);
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
    const { manifest, manifestSha256, cardSha256 } = await checkRegistrableFolder(
      this.deps.modelsDir,
      this.deps.loadScorer,
      folder,
      sha256,
    );
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
    if (model.recall !== null) throw recalledConflict(id, model.recall.at, RECALLED_NOT_ACTIVATED);
    await assertCardServable(this.deps.modelsDir, model);
    let scorer: Scorer;
    try {
      scorer = await this.#scorers.loadScorer(model);
    } catch (error) {
      // Registered before outputs were checked: refused as its registration would be now.
      if (error instanceof ModelOutputError) throw describeRegistrationError(error, model.folder);
      throw loadRefused(id, error, model.folder);
    }
    const loaded: ActiveModel = { id, scorer };
    let written = model;
    await this.#scorers.serveOnCommit(loaded, async () => {
      let outcome: ActivationOutcome = 'skipped';
      await this.deps.decisionLog.withTransaction(async (trx) => {
        const by = 'subject' in actor ? actor.subject : actor.id;
        const now = this.deps.now();
        let previousId: string | undefined;
        if (mode === 'replace') {
          const activation = await this.deps.store.activate(trx, id, by, now);
          // Recalled since it was read above.
          if (activation.outcome === 'recalled') {
            throw recalledConflict(id, activation.recalledAt, RECALLED_NOT_ACTIVATED);
          }
          // Activating the active model again changes nothing in the registry, but it is the admin's
          // act all the same, with the reason they gave (a card read again, a review that kept the
          // model live): logged as such, as a PUT of unchanged settings is.
          if (activation.outcome === 'already_active') {
            outcome = 'already_active';
            previousId = id;
          } else previousId = activation.previousId;
        } else if (!(await this.deps.store.activateIfNoneActive(trx, id, by, now))) return;
        // The same model.onnx as a recalled model: only on an admin's word (read under the log's
        // lock, so that a recall committed meanwhile counts), and the log names the recall it undoes.
        const recalledFile = findOthersWithFile(model, await this.deps.store.list(trx)).filter(
          (other) => other.recall !== null,
        );
        if (recalledFile.length > 0 && reason === undefined) throw recalledFileRefusal(id, recalledFile);
        await this.deps.decisionLog.append(trx, {
          type: 'model.activated',
          actor: actorOf(actor),
          payload: {
            modelId: id,
            sha256: model.sha256,
            previousModelId: previousId ?? null,
            ...(outcome === 'already_active' ? { alreadyActive: true } : {}),
            ...(reason === undefined ? {} : { reason }),
            ...(recalledFile.length === 0 ? {} : { recalledModelIds: recalledFile.map((other) => other.id) }),
          },
        });
        if (outcome !== 'already_active') outcome = 'activated';
        written = (await this.deps.store.findById(id, trx)) ?? model;
      });
      return outcome;
    });
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
    const { withdrawn, recalledModel, sameFileModels } = await this.deps.decisionLog.withTransaction(
      async (trx) => {
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
        const models = await this.deps.store.list(trx);
        return {
          withdrawn: sets,
          recalledModel: models.find((stored) => stored.id === id) ?? model,
          sameFileModels: findOthersWithFile(model, models).filter((other) => other.recall === null),
        };
      },
    );
    this.#scorers.forget(id);
    // As after an erasure: the deleted outcomes leave the files too (record 0006).
    if (withdrawn.outcomesDeleted > 0) await scrubAfterCommit(this.deps.scrubber, this.#logger);
    const { retractedSetIds, withdrawnSetIds } = withdrawn;
    return { model: recalledModel, retractedSetIds, withdrawnSetIds, sameFileModels };
  }

  /**
   * Whether model `id` was recalled, read in `trx`: a set it scored while a recall committed is not
   * stored. Under the log's lock, which a recall holds until it commits, the answer is final.
   */
  async isRecalled(id: string, trx: Knex.Transaction): Promise<boolean> {
    return this.deps.store.isRecalled(id, trx);
  }

  /**
   * Whether a model is active, read in `trx`: a refusal for want of one, under the log's lock, which
   * an activation holds until it commits, is not logged once one is.
   */
  async hasActiveModel(trx: Knex.Transaction): Promise<boolean> {
    return (await this.deps.store.findActive(trx)) !== undefined;
  }

  /**
   * Closes the scorers this process holds, each whatever the others do: a release that fails is
   * logged, and leaves none of the others open.
   */
  async close(): Promise<void> {
    await this.#scorers.close();
  }
}

function actorOf(actor: Principal | SystemActor): { role: 'admin' | 'system'; id: string } {
  return 'subject' in actor ? { role: 'admin', id: actor.subject } : { role: 'system', id: actor.id };
}

/** The models other than `model` registered with its model.onnx (the same sha256). */
function findOthersWithFile(model: RegisteredModel, models: readonly RegisteredModel[]): RegisteredModel[] {
  return models.filter((other) => other.id !== model.id && other.sha256 === model.sha256);
}
