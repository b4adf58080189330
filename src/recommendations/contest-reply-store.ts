import type { Knex } from 'knex';
import type { ContestReply } from './contest-reply.ts';

/** Where the counselors' replies to contests are kept. */
export interface ContestReplyStore {
  insert(trx: Knex.Transaction, reply: ContestReply): Promise<void>;
  /**
   * The contests of item `itemId` no reply answered yet (given after its latest reply; all of them
   * when it has none), read in `trx`.
   */
  countUnansweredContests(trx: Knex.Transaction, itemId: string): Promise<number>;
  /** The replies about item `itemId`, oldest first, read in `trx` when given. */
  listForItem(itemId: string, trx?: Knex.Transaction): Promise<ContestReply[]>;
  /** The replies to the person's contests, oldest first, read in `trx` when given. */
  listForSeeker(seekerId: string, trx?: Knex.Transaction): Promise<ContestReply[]>;
}
