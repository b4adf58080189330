import type { Knex } from 'knex';
import type { Feedback } from './feedback.ts';

export interface FeedbackStore {
  insert(trx: Knex.Transaction, feedback: Feedback): Promise<void>;
  /** The person's feedback, oldest first, read in `trx` when given. */
  listForSeeker(seekerId: string, trx?: Knex.Transaction): Promise<Feedback[]>;
}
