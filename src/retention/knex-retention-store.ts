import type { Knex } from 'knex';
import { OPEN_STATUSES, SET_STATUSES } from '../recommendations/recommendation.ts';
import type { RetentionStore } from './retention-store.ts';

const FINISHED_STATUSES = SET_STATUSES.filter((status) => !OPEN_STATUSES.includes(status));

export class KnexRetentionStore implements RetentionStore {
  constructor(private readonly db: Knex) {}

  async purgeRecommendationSets(
    trx: Knex.Transaction,
    before: string,
  ): Promise<{ sets: number; items: number; feedback: number }> {
    const expiredSetIds = () =>
      trx('recommendation_sets')
        .select('id')
        .where((finished) =>
          finished.whereIn('status', FINISHED_STATUSES).andWhere('created_at', '<', before),
        )
        // An open set past its expiry for the whole period was simply never looked at again.
        .orWhere((stale) => stale.whereIn('status', OPEN_STATUSES).andWhere('expires_at', '<', before));
    const itemIds = () => trx('recommendation_items').select('id').whereIn('set_id', expiredSetIds());
    // Children first, so the counts are exact whatever the foreign keys cascade.
    const feedback = await trx('feedback').whereIn('item_id', itemIds()).delete();
    const items = await trx('recommendation_items').whereIn('set_id', expiredSetIds()).delete();
    const sets = await trx('recommendation_sets').whereIn('id', expiredSetIds()).delete();
    return { sets, items, feedback };
  }

  async purgeFeedback(trx: Knex.Transaction, before: string): Promise<number> {
    return trx('feedback').where('created_at', '<', before).delete();
  }

  async purgeIdempotencyKeys(trx: Knex.Transaction, before: string): Promise<number> {
    return trx('idempotency_keys').where('created_at', '<', before).delete();
  }

  async shredKeysOfInactiveSubjects(trx: Knex.Transaction, before: string): Promise<number> {
    // By pseudonym, as the keyring stores them: retention never sees the people's ids.
    return trx('subject_keys')
      .where('created_at', '<', before)
      .whereNotExists((recent) =>
        recent
          .select(trx.raw('1'))
          .from('decision_events')
          .whereRaw('?? = ??', ['decision_events.subject', 'subject_keys.subject'])
          .andWhere('decision_events.occurred_at', '>=', before),
      )
      .delete();
  }

  async findLastRunAt(): Promise<string | undefined> {
    const row = await this.db('decision_events')
      .where({ type: 'retention.purged' })
      .orderBy('seq', 'desc')
      .first('occurred_at');
    return row === undefined ? undefined : String(row.occurred_at);
  }
}
