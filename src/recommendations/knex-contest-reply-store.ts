import type { Knex } from 'knex';
import type { ContestReply } from './contest-reply.ts';
import type { ContestReplyStore } from './contest-reply-store.ts';

const TABLE = 'contest_replies';

export class KnexContestReplyStore implements ContestReplyStore {
  constructor(private readonly db: Knex) {}

  async insert(trx: Knex.Transaction, reply: ContestReply): Promise<void> {
    await trx(TABLE).insert({
      id: reply.id,
      item_id: reply.itemId,
      seeker_id: reply.seekerId,
      counselor_id: reply.counselorId,
      message: reply.message,
      created_at: reply.createdAt,
    });
  }

  async answerContests(trx: Knex.Transaction, itemId: string, replyId: string): Promise<number> {
    // The response written in the SQL, as the partial index of contests by item names it.
    return trx('feedback')
      .where({ item_id: itemId })
      .whereRaw(`response = 'contest'`)
      .whereNull('answered_by')
      .update({ answered_by: replyId });
  }

  async listForItem(itemId: string, trx?: Knex.Transaction): Promise<ContestReply[]> {
    return this.list({ item_id: itemId }, trx);
  }

  async listForSeeker(seekerId: string, trx?: Knex.Transaction): Promise<ContestReply[]> {
    return this.list({ seeker_id: seekerId }, trx);
  }

  private async list(where: Record<string, string>, trx?: Knex.Transaction): Promise<ContestReply[]> {
    const rows: Array<Record<string, unknown>> = await (trx ?? this.db)(TABLE)
      .where(where)
      .orderBy([{ column: 'created_at' }, { column: 'id' }]);
    return rows.map((row) => ({
      id: String(row.id),
      itemId: String(row.item_id),
      seekerId: String(row.seeker_id),
      counselorId: String(row.counselor_id),
      message: String(row.message),
      createdAt: String(row.created_at),
    }));
  }
}
