import type { Knex } from 'knex';
import { readNullableString, readNumber } from '../db/row-values.ts';
import type {
  FeedbackPageRequest,
  ItemFeedback,
  SetFeedbackReader,
} from '../recommendations/set-feedback.ts';
import type { Feedback, FeedbackInFile, FeedbackKind } from './feedback.ts';
import type { FeedbackStore } from './feedback-store.ts';

const TABLE = 'feedback';

export class KnexFeedbackStore implements FeedbackStore, SetFeedbackReader {
  constructor(private readonly db: Knex) {}

  async insert(trx: Knex.Transaction, feedback: Feedback): Promise<void> {
    await trx(TABLE).insert({
      id: feedback.id,
      item_id: feedback.itemId,
      seeker_id: feedback.seekerId,
      response: feedback.response,
      comment: feedback.comment,
      created_at: feedback.createdAt,
    });
  }

  async countForItem(
    trx: Knex.Transaction,
    itemId: string,
    seekerId: string,
    kind: FeedbackKind,
  ): Promise<number> {
    const query = trx(TABLE).where({ item_id: itemId, seeker_id: seekerId });
    // A contest the counselor answered no longer counts: the person may contest again after a reply.
    if (kind === 'contest') query.where('response', 'contest').whereNull('answered_by');
    else query.whereNot('response', 'contest');
    const [row] = await query.count({ n: '*' });
    return readNumber(row?.n);
  }

  async listForSet(setId: string, page: FeedbackPageRequest): Promise<ItemFeedback[]> {
    const builder = this.db(`${TABLE} as f`)
      .join('recommendation_items as i', 'i.id', 'f.item_id')
      .where('i.set_id', setId)
      .orderBy([{ column: 'f.created_at' }, { column: 'f.id' }])
      .limit(page.limit)
      .select('f.id', 'f.item_id', 'f.response', 'f.comment', 'f.created_at');
    if (page.after !== undefined) {
      const { createdAt, id } = page.after;
      builder.where((w) =>
        w
          .where('f.created_at', '>', createdAt)
          .orWhere((x) => x.where('f.created_at', createdAt).where('f.id', '>', id)),
      );
    }
    const rows = await builder;
    return rows.map((row) => ({
      id: String(row.id),
      itemId: String(row.item_id),
      response: row.response as ItemFeedback['response'],
      comment: readNullableString(row.comment),
      createdAt: String(row.created_at),
    }));
  }

  async listForSeeker(seekerId: string, trx?: Knex.Transaction): Promise<FeedbackInFile[]> {
    const rows = await (trx ?? this.db)(TABLE)
      .where({ seeker_id: seekerId })
      .orderBy([{ column: 'created_at' }, { column: 'id' }]);
    return rows.map((row) => ({
      id: String(row.id),
      itemId: String(row.item_id),
      seekerId: String(row.seeker_id),
      response: row.response as Feedback['response'],
      comment: readNullableString(row.comment),
      createdAt: String(row.created_at),
      answeredBy: readNullableString(row.answered_by),
    }));
  }
}
