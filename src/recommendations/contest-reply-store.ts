import type { Knex } from 'knex';
import type { ContestReply } from './contest-reply.ts';

/** Where the counselors' replies to contests are kept. */
export interface ContestReplyStore {
  insert(trx: Knex.Transaction, reply: ContestReply): Promise<void>;
  /**
   * Marks the contests of item `itemId` no reply answered yet, those kept when `trx` reads them, as
   * answered by reply `replyId`; how many it marked.
   */
  answerContests(trx: Knex.Transaction, itemId: string, replyId: string): Promise<number>;
  /** The replies about item `itemId`, oldest first, read in `trx` when given. */
  listForItem(itemId: string, trx?: Knex.Transaction): Promise<ContestReply[]>;
  /** The replies to the person's contests, oldest first, read in `trx` when given. */
  listForSeeker(seekerId: string, trx?: Knex.Transaction): Promise<ContestReply[]>;
}
