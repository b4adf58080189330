import type { Knex } from 'knex';
import type { ErasedRows } from './erasure.ts';

/**
 * Deletes a job seeker's personal data from every table that holds it, except the decision log,
 * whose personal parts are crypto-shredded instead.
 */
export interface ErasureStore {
  /**
   * Deletes the profile, sets, items, feedback, outcomes, stored idempotent answers and the staff
   * reads of the file (the read trace) of one person.
   */
  eraseJobSeekerRows(trx: Knex.Transaction, seekerId: string): Promise<ErasedRows>;
}
