import type { Knex } from 'knex';
import type { RegisteredModel } from './registered-model.ts';

/** Persistence of the model registry. */
export interface ModelStore {
  findById(id: string, trx?: Knex.Transaction): Promise<RegisteredModel | undefined>;
  findActive(trx?: Knex.Transaction): Promise<RegisteredModel | undefined>;
  /** The active model's id alone: checked on every suggestion, so it must stay cheap. */
  findActiveId(): Promise<string | undefined>;
  /** Every model, newest registration first. */
  list(): Promise<RegisteredModel[]>;
  insert(trx: Knex.Transaction, model: RegisteredModel): Promise<void>;
  /**
   * Makes `id` the only active model; the previous one becomes `retired`. Serialised against other
   * activations, so exactly one model is active when they race. Returns whether anything changed
   * (not when `id` was the active one already) and the previously active id.
   */
  activate(
    trx: Knex.Transaction,
    id: string,
    by: string,
    now: Date,
  ): Promise<{ changed: boolean; previousId: string | undefined }>;
  /**
   * Makes `id` active only when no model is, checked under the same serialisation as `activate`:
   * a model an admin activated meanwhile is never overruled. Returns whether it was activated.
   */
  activateIfNoneActive(trx: Knex.Transaction, id: string, by: string, now: Date): Promise<boolean>;
}
