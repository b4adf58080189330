/**
 * How this process loads, serves and swaps the active model's scorer: one load per model id for
 * every request that read it active, the scorer an activation loaded handed to requests as soon as
 * its transaction commits, replaced scorers closed after a grace period, and a failed load
 * remembered so that requests report the model unavailable until the retry interval has passed.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { ExpectedModelHashes } from '../model/model-folder.ts';
import type { ActiveModel, ActiveModelState } from '../scoring/active-model.ts';
import type { Scorer } from '../scoring/scorer.ts';
import { describeLoadFailure } from './model-refusals.ts';
import type { ModelStore } from './model-store.ts';
import type { RegisteredModel } from './registered-model.ts';
import type { RetryInterval } from './retry-interval.ts';

/**
 * Loads a model folder into a scorer, refusing a model.onnx or manifest.json whose SHA-256 differs
 * from the registered one (onnxruntime in production).
 */
export type ScorerLoader = (folder: string, expected: ExpectedModelHashes) => Promise<Scorer>;

/** What an activating transaction did to the registry: the scorer it loaded is served only if it activated its model. */
export type ActivationOutcome = 'activated' | 'already_active' | 'skipped';

export interface ActiveScorerCacheDeps {
  store: Pick<ModelStore, 'findById' | 'findActiveId'>;
  loadScorer: ScorerLoader;
  /** Folder holding `<name>-<version>/` model folders. */
  modelsDir: string;
  now: () => Date;
  /** How long after a failed load the next request tries again. */
  retry: RetryInterval;
  /** How long a replaced scorer stays open for requests still using it. */
  retireGraceMs?: number | undefined;
  /** Where failed loads (error) and recoveries (info) are logged. */
  logger: Pick<Logger, 'error' | 'info'>;
  /** Told each time a model starts being served here. */
  onServing: () => void;
}

/** A model's last failed load in this process. */
interface LoadFailure {
  modelId: string;
  reason: string;
  /** `now()` of the attempt, in ms. */
  at: number;
}

/**
 * The scorers of this process: the active model's, those being loaded or activated, and those
 * replaced and waiting to be closed.
 */
export class ActiveScorerCache {
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
  /**
   * Failed loads, by model id: a load of a model replaced meanwhile that fails later does not wipe
   * out the failure of the active one, whose retry interval stands.
   */
  readonly #failures = new Map<string, LoadFailure>();
  /** Scorers no longer served, each closed when its grace period ends (or when the cache closes). */
  readonly #retiring = new Map<NodeJS.Timeout, Scorer>();

  constructor(private readonly deps: ActiveScorerCacheDeps) {}

  /**
   * Model `activeId`, read active by the caller: the scorer served here or loaded by an activation
   * here, the failure of its last load while its retry is not due, or loaded now.
   */
  async state(activeId: string): Promise<ActiveModelState> {
    if (this.#active?.id === activeId) return { status: 'loaded', model: this.#active };
    const activating = this.#activating.get(activeId);
    if (activating !== undefined) return { status: 'loaded', model: activating };
    const failure = this.#failures.get(activeId);
    if (failure !== undefined && !this.deps.retry.isDue(failure.at)) return this.loadUnavailable(failure);
    return this.loadModel(activeId);
  }

  /** Model `activeId`, read active by the caller: the scorer served here (just activated), or loaded now. */
  async servedOrLoaded(activeId: string): Promise<ActiveModelState> {
    if (this.#active?.id === activeId) return { status: 'loaded', model: this.#active };
    return this.loadModel(activeId);
  }

  /** A scorer for registered `model`, its files checked against the hashes they were registered with. */
  loadScorer(model: RegisteredModel): Promise<Scorer> {
    const expected = { sha256: model.sha256, manifestSha256: model.manifestSha256 };
    return this.deps.loadScorer(path.join(this.deps.modelsDir, model.folder), expected);
  }

  /**
   * Serves `loaded`, the scorer an activation loaded, to requests that read its model active while
   * `commit` (the activating transaction) runs, then from now on if `commit` activated it. Otherwise
   * (nothing activated, the model already served here, or `commit` failed) it is closed after the
   * grace period, not at once: a request may have been served it while the transaction committed.
   */
  async serveOnCommit(loaded: ActiveModel, commit: () => Promise<ActivationOutcome>): Promise<void> {
    const { id, scorer } = loaded;
    // Once the transaction commits, a request may read the model active before this is answered.
    if (!this.#activating.has(id)) this.#activating.set(id, loaded);
    let outcome: ActivationOutcome;
    try {
      outcome = await commit();
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
      return;
    }
    this.swap(loaded);
  }

  /**
   * Stops serving model `id` in this process once it was recalled: its scorer is closed after the
   * grace period (requests already running finish on it); a failed load of it is forgotten.
   */
  forget(id: string): void {
    this.#failures.delete(id);
    const old = this.#active;
    if (old?.id !== id) return;
    this.#active = undefined;
    this.retireLater(old.scorer);
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
        this.deps.logger.error(
          { reason: String(result.reason) },
          'a model could not be released at shutdown',
        );
      }
    }
  }

  private loadUnavailable(failure: LoadFailure): ActiveModelState {
    const { modelId, reason } = failure;
    return { status: 'unavailable', cause: 'load', modelId, reason, retryAfterMs: this.deps.retry.ms };
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
      scorer = await this.loadScorer(model);
    } catch (error) {
      const failure = {
        modelId: model.id,
        reason: describeLoadFailure(error, model.folder),
        at: this.deps.now().getTime(),
      };
      this.#failures.set(model.id, failure);
      this.deps.logger.error(
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
      this.deps.logger.info({ modelId: model.id }, 'the active model was loaded again: suggestions are back');
    }
    this.swap(loaded);
    return { status: 'loaded', model: loaded };
  }

  private swap(next: ActiveModel): void {
    const old = this.#active;
    this.#active = next;
    // Loaded: a failure of another model, replaced meanwhile, is tried afresh should it be activated again.
    this.#failures.clear();
    this.deps.onServing();
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
