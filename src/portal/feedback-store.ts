import type { Knex } from 'knex';
import type { Feedback } from './feedback.ts';

export interface FeedbackStore {
  insert(trx: Knex.Transaction, feedback: Feedback): Promise<void>;
  /** How many answers the person gave about item `itemId`, read in `trx`. */
  countForItem(trx: Knex.Transaction, itemId: string, seekerId: string): Promise<number>;
  /** The person's feedback, oldest first, read in `trx` when given. */
  listForSeeker(seekerId: string, trx?: Knex.Transaction): Promise<Feedback[]>;
}
