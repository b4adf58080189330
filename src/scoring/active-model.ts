import type { Scorer } from './scorer.ts';

/** The model that serves suggestions now, as registered (its registry id) and loaded. */
export interface ActiveModel {
  /** The registry's id of the model. */
  id: string;
  scorer: Scorer;
}

/** Where services get the active model; the registry swaps it on activation. */
export interface ActiveModelSource {
  /** The active model (reloaded when another process activated a new one), or undefined when none is active. */
  current(): Promise<ActiveModel | undefined>;
}
