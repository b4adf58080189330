import type { Knex } from 'knex';
import { ACCESS_GIVEN_EVENT_TYPES } from '../decision-log/decision-event.ts';
import { OPEN_STATUSES, SET_STATUSES } from '../recommendations/recommendation.ts';
import type { RetentionStore } from './retention-store.ts';

const FINISHED_STATUSES = SET_STATUSES.filter((status) => !OPEN_STATUSES.includes(status));

export class KnexRetentionStore implements RetentionStore {
  async purgeRecommendationSets(
    trx: Knex.Transaction,
    before: string,
  ): Promise<{ sets: number; items: number; feedback: number }> {
    const expiredSetIds = () =>
      trx('recommendation_sets')
        .select('id')
        .where((expired) => whereSetExpired(expired, before));
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

  async findIdleJobSeekers(trx: Knex.Transaction, before: string, limit: number): Promise<string[]> {
    const rows: Array<Record<string, unknown>> = await trx('job_seekers')
      .select('id')
      .where('updated_at', '<', before)
      .whereNotExists((keptSets) =>
        keptSets
          .select(trx.raw('1'))
          .from('recommendation_sets')
          .whereRaw('?? = ??', ['recommendation_sets.seeker_id', 'job_seekers.id'])
          .whereNot((expired) => whereSetExpired(expired, before, 'recommendation_sets')),
      )
      .whereNotExists((recentFeedback) =>
        recentFeedback
          .select(trx.raw('1'))
          .from('feedback')
          .whereRaw('?? = ??', ['feedback.seeker_id', 'job_seekers.id'])
          .andWhere('feedback.created_at', '>=', before),
      )
      .orderBy('id')
      .limit(limit)
      // PostgreSQL: a sync waits for the run (or the run for it), and the run then sees the profile
      // as written. A suggestion or feedback racing with the run does not write the profile: if the
      // run erases the person first, its insert fails on the foreign key and is answered as for a
      // person the service does not know.
      .forUpdate();
    return rows.map((row) => String(row.id));
  }

  async purgeIdempotencyKeys(trx: Knex.Transaction, before: string): Promise<number> {
    return trx('idempotency_keys').where('created_at', '<', before).delete();
  }

  async shredKeysOfInactiveSubjects(trx: Knex.Transaction, before: string): Promise<number> {
    // By pseudonym, as the keyring stores them: retention never sees the people's ids. Giving the
    // person their data, noticing that a set's lifetime has passed, or refusing suggestions (an
    // objection honoured, the AI off: nothing of the person processed) is not activity: it keeps
    // nothing longer.
    return trx('subject_keys')
      .where('created_at', '<', before)
      .whereNotExists((recent) =>
        recent
          .select(trx.raw('1'))
          .from('decision_events')
          .whereRaw('?? = ??', ['decision_events.subject', 'subject_keys.subject'])
          .andWhere('decision_events.occurred_at', '>=', before)
          .whereNotIn('decision_events.type', [
            ...ACCESS_GIVEN_EVENT_TYPES,
            'recommendation.expired',
            'suggestion.refused',
          ]),
      )
      .delete();
  }

  async findLastRunAt(trx: Knex.Transaction): Promise<string | undefined> {
    const row = await trx('decision_events')
      .where({ type: 'retention.purged' })
      .orderBy('seq', 'desc')
      .first('occurred_at');
    return row === undefined ? undefined : String(row.occurred_at);
  }
}

/**
 * A set past its retention: finished (published, retracted, discarded, expired) and created before `before`,
 * or still open but past its expiry for the whole period (simply never looked at again).
 */
function whereSetExpired(builder: Knex.QueryBuilder, before: string, table?: string): Knex.QueryBuilder {
  const column = (name: string) => (table === undefined ? name : `${table}.${name}`);
  return builder
    .where((finished) =>
      finished.whereIn(column('status'), FINISHED_STATUSES).andWhere(column('created_at'), '<', before),
    )
    .orWhere((stale) =>
      stale.whereIn(column('status'), OPEN_STATUSES).andWhere(column('expires_at'), '<', before),
    );
}
