/**
 * How the model folder shipped with the deployment is registered at start-up: activated when no
 * model is active (unless activating it is left to an admin), only registered when one is; and,
 * when a start could not register it on an empty database, registered again by a later request
 * once the retry interval has passed, the model reported unavailable until then.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { readModelFolder } from '../model/model-folder.ts';
import type { ActiveModelState } from '../scoring/active-model.ts';
import { ConflictError, InvalidInputError } from '../shared/errors.ts';
import type { ActiveScorerCache } from './active-scorer-cache.ts';
import { SYSTEM_ACTORS, type SystemActor } from './application-actors.ts';
import { describeRegistrationError, RecalledModelFileError } from './model-refusals.ts';
import type { ModelStore } from './model-store.ts';
import type { RegisteredModel } from './registered-model.ts';
import type { RetryInterval } from './retry-interval.ts';

export interface ShippedModelStartupDeps {
  store: Pick<ModelStore, 'findActiveId' | 'list'>;
  /** Folder holding `<name>-<version>/` model folders. */
  modelsDir: string;
  now: () => Date;
  /** How long after a failed registration the next request tries again. */
  retry: RetryInterval;
  /** Where failed registrations (error) and registrations done (info) are logged. */
  logger: Pick<Logger, 'error' | 'info'>;
  /** Serves the model active once the shipped one was registered again. */
  scorers: Pick<ActiveScorerCache, 'servedOrLoaded'>;
  /** The registry's registration of a model folder whose model.onnx has `sha256`. */
  register: (actor: SystemActor, folder: string, sha256: string) => Promise<RegisteredModel>;
  /** The registry's activation of model `id` if no model is active, checked in the activating transaction. */
  activateIfNoneActive: (actor: SystemActor, id: string) => Promise<RegisteredModel>;
}

/** The shipped model's last failed registration in this process, while no model is active. */
interface RegistrationFailure {
  folder: string;
  reason: string;
  /** `now()` of the attempt, in ms. */
  at: number;
}

/** The shipped model's registration, on start and again after a start that could not. */
export class ShippedModelStartup {
  /** The shipped model's registration tried again, while none is active: one at a time. */
  #registering: Promise<ActiveModelState> | undefined;
  #registrationFailure: RegistrationFailure | undefined;

  constructor(private readonly deps: ShippedModelStartupDeps) {}

  /**
   * Registers and activates the shipped `folder` when no model is active and `activateShipped`;
   * otherwise registers it (if no process has yet) and leaves it for an admin to activate.
   */
  async registerOnStart(folder: string, activateShipped: boolean): Promise<void> {
    const noneActive = (await this.deps.store.findActiveId()) === undefined;
    if (noneActive && activateShipped) await this.registerShipped(folder);
    else await this.registerShippedInactive(folder);
  }

  /**
   * Where the model stands while none is active: none, or unavailable because the shipped model
   * could not be registered; once the retry interval has passed, registered again (one attempt at a
   * time) and the model then active served.
   */
  async stateWhileNoneActive(): Promise<ActiveModelState> {
    const failure = this.#registrationFailure;
    if (failure === undefined) return { status: 'none' };
    if (!this.deps.retry.isDue(failure.at)) return this.registrationUnavailable(failure);
    this.#registering ??= this.registerShippedAgain(failure.folder).finally(() => {
      this.#registering = undefined;
    });
    return this.#registering;
  }

  /** A model is active and loaded: the shipped one no longer needs registering. */
  forgetFailure(): void {
    this.#registrationFailure = undefined;
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
      const model = await this.findOrRegister(actor, folder, await this.readSha256(folder));
      if (model.recall !== null) {
        // An admin recalled it: never put back in front of people, whatever the configuration says.
        this.deps.logger.info(
          { modelId: model.id, recalledAt: model.recall.at },
          'the shipped model was recalled: it is not activated; no model is active, so suggestions answer with the manual path until an admin activates one',
        );
        return;
      }
      // Another process, or an admin, may have activated a model meanwhile: it stays active.
      if ((await this.deps.store.findActiveId()) === undefined) {
        await this.deps.activateIfNoneActive(actor, model.id);
      }
    } catch (error) {
      // Its model.onnx is a recalled model's file: as for a recalled shipped model, an admin's to decide.
      if (error instanceof RecalledModelFileError) {
        this.deps.logger.info(
          { folder, reason: error.message },
          'the shipped model is not activated: no model is active, so suggestions answer with the manual path until an admin activates one',
        );
        return;
      }
      // Refusals about the folder's files; anything else (the database, say) is not the model's fault.
      if (!(error instanceof InvalidInputError || error instanceof ConflictError)) throw error;
      this.#registrationFailure = { folder, reason: error.message, at: this.deps.now().getTime() };
      this.deps.logger.error(
        { folder, reason: error.message, retryAfterMs: this.deps.retry.ms },
        'the shipped model could not be registered and activated: no model is active, suggestions are refused and the manual path stays open until it can be',
      );
      return;
    }
    this.#registrationFailure = undefined;
    if (failed) {
      this.deps.logger.info(
        { folder },
        'the shipped model was registered and activated: suggestions are back',
      );
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
      const model = await this.findOrRegister(SYSTEM_ACTORS.startup, folder, await this.readSha256(folder));
      if (model.status === 'registered' && model.registeredBy === SYSTEM_ACTORS.startup.id) {
        this.deps.logger.info(
          { modelId: model.id, activeModelId },
          `the shipped model is registered, not active until an admin activates it; ${serving}`,
        );
      }
    } catch (error) {
      if (!(error instanceof InvalidInputError || error instanceof ConflictError)) throw error;
      this.deps.logger.error(
        { folder, reason: error.message },
        `the shipped model could not be registered; ${serving}`,
      );
    }
  }

  /** The SHA-256 of the shipped folder's model.onnx; a folder that cannot be read is a refusal of its registration. */
  private async readSha256(folder: string): Promise<string> {
    try {
      return (await readModelFolder(path.join(this.deps.modelsDir, folder))).sha256;
    } catch (error) {
      throw describeRegistrationError(error, folder);
    }
  }

  /** The model registered from `folder`, registering it when no process has yet. */
  private async findOrRegister(actor: SystemActor, folder: string, sha256: string): Promise<RegisteredModel> {
    const find = async () => (await this.deps.store.list()).find((model) => model.folder === folder);
    const existing = await find();
    if (existing !== undefined) return existing;
    try {
      return await this.deps.register(actor, folder, sha256);
    } catch (error) {
      const registered = error instanceof ConflictError ? await find() : undefined;
      if (registered === undefined) throw error;
      return registered;
    }
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
    return this.deps.scorers.servedOrLoaded(activeId);
  }

  private registrationUnavailable(failure: RegistrationFailure): ActiveModelState {
    const { folder, reason } = failure;
    return { status: 'unavailable', cause: 'registration', folder, reason, retryAfterMs: this.deps.retry.ms };
  }
}
