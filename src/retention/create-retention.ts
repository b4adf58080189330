import type { Knex } from 'knex';
import type { RetentionConfig } from '../config.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import { KnexErasureStore } from '../erasure/knex-erasure-store.ts';
import { KnexStorageScrubber } from '../erasure/knex-storage-scrubber.ts';
import type { StorageScrubber } from '../erasure/storage-scrubber.ts';
import { KnexRecommendationStore } from '../recommendations/knex-recommendation-store.ts';
import { expireDueSets } from '../recommendations/set-access.ts';
import type { AfterCommitLogger } from '../shared/run-after-commit.ts';
import { KnexRetentionStore } from './knex-retention-store.ts';
import { RetentionService } from './retention-service.ts';

/**
 * The retention service on an open, migrated database; shared by the container (which passes the
 * scrubber its other services use) and `npm run retention`.
 */
export function createRetentionService(
  db: Knex,
  decisionLog: DecisionLog,
  periods: RetentionConfig,
  options: { now?: () => Date; scrubber?: StorageScrubber; logger?: AfterCommitLogger } = {},
): RetentionService {
  const { now = () => new Date(), scrubber = new KnexStorageScrubber(db), logger } = options;
  return new RetentionService({
    store: new KnexRetentionStore(db),
    expireDueSets: (now) =>
      expireDueSets({ store: new KnexRecommendationStore(db), decisionLog }, now, 'all'),
    decisionLog,
    // Idle profiles go with the rows the erasure feature deletes, by its own store.
    erasure: new KnexErasureStore(),
    scrubber,
    ...(logger === undefined ? {} : { logger }),
    periods,
    now,
  });
}
