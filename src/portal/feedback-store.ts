import type { Knex } from 'knex';
import type { Feedback } from './feedback.ts';

export interface FeedbackStore {
  insert(trx: Knex.Transaction, feedback: Feedback): Promise<void>;
  /** The person's feedback, oldest first. */
  listForSeeker(seekerId: string): Promise<Feedback[]>;
}
