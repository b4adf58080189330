import type { Knex } from 'knex';
import type { IdleJobSeeker } from './retention.ts';

/** Deletion of expired data. Every method works inside the caller's transaction. */
export interface RetentionStore {
  /**
   * Deletes recommendation sets that are finished (published, discarded, expired) and were
   * created before `before`, and sets still open whose expiry is before it, with their items and
   * the feedback on those items.
   */
  purgeRecommendationSets(
    trx: Knex.Transaction,
    before: string,
  ): Promise<{ sets: number; items: number; feedback: number }>;
  /** Deletes feedback given before `before`. */
  purgeFeedback(trx: Knex.Transaction, before: string): Promise<number>;
  /**
   * The job seekers with no activity since `before` (see {@link IdleJobSeeker}), in id order. Read
   * before the run purges sets and feedback, which would hide recent feedback on an expired set.
   */
  findIdleJobSeekers(trx: Knex.Transaction, before: string): Promise<IdleJobSeeker[]>;
  /** Deletes stored Idempotency-Key answers created before `before`. */
  purgeIdempotencyKeys(trx: Knex.Transaction, before: string): Promise<number>;
  /**
   * Destroys the decision-log keys of job seekers who have had no event since `before`; returns
   * how many. Their events stay, their personal parts become unreadable.
   */
  shredKeysOfInactiveSubjects(trx: Knex.Transaction, before: string): Promise<number>;
  /** When the last `retention.purged` event was recorded, if ever. */
  findLastRunAt(): Promise<string | undefined>;
}
