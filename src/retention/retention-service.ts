import type { RetentionConfig } from '../config.ts';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import type { StorageScrubber } from '../erasure/storage-scrubber.ts';
import { computeRetentionCutoffs, countPurged, type PurgedRows, type RetentionReport } from './retention.ts';
import type { RetentionStore } from './retention-store.ts';

export interface RetentionServiceDeps {
  store: RetentionStore;
  decisionLog: DecisionLog;
  scrubber: StorageScrubber;
  periods: Pick<RetentionConfig, 'personalDays' | 'idempotencyHours' | 'logDays'>;
  now: () => Date;
}

/**
 * Purges what has outlived its retention period. The decision log itself is never deleted from:
 * once a job seeker has had no event for the whole log period, their key is shredded, which
 * leaves the events (and the chain) in place with their personal parts unreadable.
 */
export class RetentionService {
  constructor(private readonly deps: RetentionServiceDeps) {}

  /** Purges everything expired now, in one transaction with its `retention.purged` event. */
  async purgeExpired(): Promise<RetentionReport> {
    const { deps } = this;
    const now = deps.now();
    const cutoffs = computeRetentionCutoffs(now, deps.periods);
    const { personalDays, idempotencyHours, logDays } = deps.periods;
    const periods = { personalDays, idempotencyHours, logDays };
    const { purged, seq } = await deps.decisionLog.withTransaction(async (trx) => {
      const sets = await deps.store.purgeRecommendationSets(trx, cutoffs.personalData);
      const looseFeedback = await deps.store.purgeFeedback(trx, cutoffs.personalData);
      const rows: PurgedRows = {
        recommendationSets: sets.sets,
        recommendationItems: sets.items,
        feedback: sets.feedback + looseFeedback,
        idempotencyKeys: await deps.store.purgeIdempotencyKeys(trx, cutoffs.idempotencyKeys),
        subjectKeys: await deps.store.shredKeysOfInactiveSubjects(trx, cutoffs.log),
      };
      const event = await deps.decisionLog.append(trx, {
        type: 'retention.purged',
        actor: { role: 'system', id: 'retention' },
        payload: { periods, cutoffs, purged: rows },
      });
      return { purged: rows, seq: event.seq };
    });
    const storageScrubbed = countPurged(purged) > 0 && (await deps.scrubber.scrubDeletedRows()).complete;
    return { ranAt: now.toISOString(), periods, cutoffs, purged, seq, storageScrubbed };
  }

  /**
   * Runs {@link purgeExpired} unless a run was recorded less than `minimumGapMs` ago (by this or
   * another process on the same database); undefined when skipped.
   */
  async purgeIfDue(minimumGapMs: number): Promise<RetentionReport | undefined> {
    const lastRunAt = await this.deps.store.findLastRunAt();
    if (lastRunAt !== undefined && this.deps.now().getTime() - Date.parse(lastRunAt) < minimumGapMs) {
      return undefined;
    }
    return this.purgeExpired();
  }
}
