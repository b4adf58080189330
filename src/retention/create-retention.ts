import type { Knex } from 'knex';
import type { RetentionConfig } from '../config.ts';
import type { DecisionLogParts } from '../decision-log/create-decision-log.ts';
import { KnexErasureStore } from '../erasure/knex-erasure-store.ts';
import { KnexStorageScrubber } from '../erasure/knex-storage-scrubber.ts';
import { KnexRetentionStore } from './knex-retention-store.ts';
import { RetentionService } from './retention-service.ts';

/** The retention service on an open, migrated database; shared by the container and `npm run retention`. */
export function createRetentionService(
  db: Knex,
  log: Pick<DecisionLogParts, 'decisionLog' | 'subjectKeyring'>,
  periods: RetentionConfig,
  now: () => Date = () => new Date(),
): RetentionService {
  return new RetentionService({
    store: new KnexRetentionStore(db),
    decisionLog: log.decisionLog,
    // Idle profiles are erased by the erasure feature's own building blocks.
    erasure: { store: new KnexErasureStore(), keyring: log.subjectKeyring },
    scrubber: new KnexStorageScrubber(db),
    periods,
    now,
  });
}
