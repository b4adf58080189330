import type { Knex } from 'knex';
import type { Feedback, FeedbackInFile, FeedbackKind } from './feedback.ts';

export interface FeedbackStore {
  insert(trx: Knex.Transaction, feedback: Feedback): Promise<void>;
  /**
   * How many answers of `kind` the person gave about item `itemId`, read in `trx`: the contests no
   * reply answered yet, or all the other answers.
   */
  countForItem(trx: Knex.Transaction, itemId: string, seekerId: string, kind: FeedbackKind): Promise<number>;
  /** The person's feedback, oldest first, each contest with the reply that answered it, read in `trx` when given. */
  listForSeeker(seekerId: string, trx?: Knex.Transaction): Promise<FeedbackInFile[]>;
}
