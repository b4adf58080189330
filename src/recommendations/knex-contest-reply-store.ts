import type { Knex } from 'knex';
import { readJson, readNullableString } from '../db/row-values.ts';
import type {
  PersonContest,
  PersonContestPageRequest,
  PersonContestReader,
} from '../job-seekers/person-contest.ts';
import type { ContestReply } from './contest-reply.ts';
import type { ContestReplyStore } from './contest-reply-store.ts';

const TABLE = 'contest_replies';

export class KnexContestReplyStore implements ContestReplyStore, PersonContestReader {
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

  async listContestsOfSeeker(seekerId: string, page: PersonContestPageRequest): Promise<PersonContest[]> {
    // The response written in the SQL, as the partial index of contests by item names it.
    const builder = this.db('feedback as f')
      .join('recommendation_items as i', 'i.id', 'f.item_id')
      .leftJoin(`${TABLE} as r`, 'r.id', 'f.answered_by')
      .where('f.seeker_id', seekerId)
      .whereRaw(`f.response = 'contest'`)
      .orderBy([{ column: 'f.created_at' }, { column: 'f.id' }])
      .limit(page.limit)
      .select(
        'f.id',
        'f.item_id',
        'f.comment',
        'f.created_at',
        'i.set_id',
        'i.course_id',
        'i.course_snapshot',
        {
          reply_id: 'r.id',
          reply_message: 'r.message',
          reply_created_at: 'r.created_at',
          reply_counselor_id: 'r.counselor_id',
        },
      );
    if (page.after !== undefined) {
      const { createdAt, id } = page.after;
      builder.where((w) =>
        w
          .where('f.created_at', '>', createdAt)
          .orWhere((x) => x.where('f.created_at', createdAt).where('f.id', '>', id)),
      );
    }
    const rows: Array<Record<string, unknown>> = await builder;
    return rows.map((row) => ({
      id: String(row.id),
      setId: String(row.set_id),
      itemId: String(row.item_id),
      courseId: String(row.course_id),
      title: (readJson(row.course_snapshot) as { title: string }).title,
      comment: readNullableString(row.comment),
      createdAt: String(row.created_at),
      reply:
        row.reply_id === null || row.reply_id === undefined
          ? null
          : {
              id: String(row.reply_id),
              itemId: String(row.item_id),
              message: String(row.reply_message),
              createdAt: String(row.reply_created_at),
              repliedBy: String(row.reply_counselor_id),
            },
    }));
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
