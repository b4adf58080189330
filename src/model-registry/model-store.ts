import type { Knex } from 'knex';
import type { ModelRecall, RegisteredModel } from './registered-model.ts';

/**
 * What an activation did: made the model active (`previousId`: the one it retired), nothing (it was
 * the active one already), or nothing because the model was recalled.
 */
export type Activation =
  | { outcome: 'activated'; previousId: string | undefined }
  | { outcome: 'already_active' }
  | { outcome: 'recalled'; recalledAt: string };

/**
 * What a recall did: recalled the model (`wasActive`: it was the active one, and none is now), or
 * nothing because it was recalled already, or is not registered.
 */
export type Recall =
  | { outcome: 'recalled'; wasActive: boolean }
  | { outcome: 'already_recalled'; recalledAt: string }
  | { outcome: 'not_found' };

/** Persistence of the model registry. */
export interface ModelStore {
  findById(id: string, trx?: Knex.Transaction): Promise<RegisteredModel | undefined>;
  findActive(trx?: Knex.Transaction): Promise<RegisteredModel | undefined>;
  /**
   * Whether model `id` was recalled (false for no such model), read in `trx`: its recall alone, not
   * its manifest, since every suggestion's transaction asks.
   */
  isRecalled(id: string, trx: Knex.Transaction): Promise<boolean>;
  /** The active model's id alone: checked on every suggestion, so it must stay cheap. */
  findActiveId(): Promise<string | undefined>;
  /** Every model, newest registration first, read in `trx` when given. */
  list(trx?: Knex.Transaction): Promise<RegisteredModel[]>;
  insert(trx: Knex.Transaction, model: RegisteredModel): Promise<void>;
  /**
   * Makes `id` the only active model; the previous one becomes `retired`. Serialised against other
   * activations and recalls, so exactly one model is active when they race, and a model recalled
   * meanwhile is never activated.
   */
  activate(trx: Knex.Transaction, id: string, by: string, now: Date): Promise<Activation>;
  /**
   * Makes `id` active only when no model is and `id` was not recalled, checked under the same
   * serialisation as `activate`: a model an admin activated meanwhile is never overruled. Returns
   * whether it was activated.
   */
  activateIfNoneActive(trx: Knex.Transaction, id: string, by: string, now: Date): Promise<boolean>;
  /**
   * Marks `id` recalled, for good, under the same serialisation as `activate`; a model active until
   * then is retired at the recall's time, which leaves none active.
   */
  recall(trx: Knex.Transaction, id: string, recall: ModelRecall): Promise<Recall>;
}
