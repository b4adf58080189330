import type { Scorer } from './scorer.ts';

/** The model that serves suggestions now, as registered (its registry id) and loaded. */
export interface ActiveModel {
  /** The registry's id of the model. */
  id: string;
  scorer: Scorer;
}

/**
 * Where the active model stands in this process: loaded; none active; or unavailable, which leaves
 * the process without a usable model until a later attempt succeeds. Unavailable has two causes:
 * the active model cannot be loaded here (`load`: a file missing, changed since registration, or
 * refused by the runtime), or no model is active because the shipped model configured to be
 * registered on an empty database could not be (`registration`: a wrong folder name, files missing
 * or unreadable).
 */
export type ActiveModelState =
  | { status: 'loaded'; model: ActiveModel }
  | { status: 'none' }
  | {
      status: 'unavailable';
      cause: 'load';
      modelId: string;
      reason: string;
      /** When a later request tries to load it again: the registry's retry interval. */
      retryAfterMs: number;
    }
  | {
      status: 'unavailable';
      cause: 'registration';
      /** The shipped model's folder in the models directory. */
      folder: string;
      reason: string;
      /** When a later request tries to register it again: the registry's retry interval. */
      retryAfterMs: number;
    };

/** Where services get the active model; the registry swaps it on activation. */
export interface ActiveModelSource {
  /**
   * The active model (reloaded when another process activated a new one), or undefined when none
   * is active or it cannot be loaded now. Never throws because a model fails to load.
   */
  current(): Promise<ActiveModel | undefined>;
  /** The same, saying why there is no model to use. */
  currentState(): Promise<ActiveModelState>;
}
