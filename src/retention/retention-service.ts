import type { Knex } from 'knex';
import type { DecisionLog } from '../decision-log/decision-log.ts';
import type { ErasureStore } from '../erasure/erasure-store.ts';
import { scrubAfterCommit } from '../erasure/scrub-after-commit.ts';
import type { StorageScrubber } from '../erasure/storage-scrubber.ts';
import { keepUsableSkills } from '../job-seekers/job-seeker.ts';
import type { AfterCommitLogger } from '../shared/run-after-commit.ts';
import {
  addPurgedRows,
  computeRetentionCutoffs,
  type PurgedRows,
  type RetentionCutoffs,
  type RetentionPeriods,
  type RetentionReport,
} from './retention.ts';
import type { RetentionStore } from './retention-store.ts';

/**
 * Idle profiles deleted by one transaction at most, so that the log's lock is never held long: a run
 * with more goes on in further transactions.
 */
export const IDLE_PROFILES_PER_BATCH = 500;

export interface RetentionServiceDeps {
  store: RetentionStore;
  /**
   * Marks the open sets whose lifetime has passed as expired, each with its event. Run before a
   * purge, so that a set nobody looked at again ends in the log before it is deleted.
   */
  expireDueSets: (now: Date) => Promise<void>;
  decisionLog: DecisionLog;
  /** How an idle profile is purged: with the rows an erasure deletes (the log key is left to the log period). */
  erasure: Pick<ErasureStore, 'eraseJobSeekerRows'>;
  scrubber: StorageScrubber;
  logger?: AfterCommitLogger;
  periods: RetentionPeriods;
  now: () => Date;
}

/**
 * Purges what has outlived its retention period. A job seeker with no activity for the whole
 * personal-data period is deleted with everything an erasure deletes, at most
 * {@link IDLE_PROFILES_PER_BATCH} a transaction, batch after batch until none is left. The decision log itself is
 * never deleted from: once a job seeker has had no event for the whole log period, their key is
 * shredded, which leaves the events (and the chain) in place with their personal parts unreadable;
 * a purged profile's key waits for that too, so the log stays readable for the whole log period.
 * Each run also removes from stored profiles the skill codes a sync refuses (stored before it did),
 * and clears the database files of deleted rows whatever it purged.
 */
export class RetentionService {
  constructor(private readonly deps: RetentionServiceDeps) {}

  /**
   * Purges everything expired now, in one transaction with its `retention.purged` event (and, with
   * more idle profiles than one transaction deletes, in as many more as it takes, each with its own).
   */
  async purgeExpired(): Promise<RetentionReport> {
    const report = await this.purge(undefined);
    if (report === undefined) throw new Error('a retention run without a minimum gap always runs');
    return report;
  }

  /**
   * Runs {@link purgeExpired} unless a run was recorded less than `minimumGapMs` ago (by this or
   * another process on the same database); a run recorded later than now (a clock since set back)
   * does not hold it back. Undefined when skipped. The last run is read under the
   * log's lock, in the purge's transaction: of processes checking at the same moment, one purges.
   */
  async purgeIfDue(minimumGapMs: number): Promise<RetentionReport | undefined> {
    return this.purge(minimumGapMs);
  }

  private async purge(minimumGapMs: number | undefined): Promise<RetentionReport | undefined> {
    const { deps } = this;
    const now = deps.now();
    const cutoffs = computeRetentionCutoffs(now, deps.periods);
    const { personalDays, idempotencyHours, logDays, readTraceDays } = deps.periods;
    const periods = { personalDays, idempotencyHours, logDays, readTraceDays };
    const isDue = async (trx: Knex.Transaction) => {
      if (minimumGapMs === undefined) return true;
      const lastRunAt = await deps.store.findLastRunAt(trx);
      if (lastRunAt === undefined) return true;
      const last = Date.parse(lastRunAt);
      // A run recorded in the future was made by a clock that ran ahead and has since been set
      // right: waiting for that date would stop the purges until then.
      return now.getTime() < last || now.getTime() - last >= minimumGapMs;
    };
    // Asked first so that a skipped check sweeps nothing, and again in the purge's transaction. A
    // run without a minimum gap always runs: it takes the log's lock for its purge alone.
    if (minimumGapMs !== undefined && !(await deps.decisionLog.withTransaction(isDue))) return undefined;
    await deps.expireDueSets(now);
    // Every profile read outside the log's lock (no write waits for the scan); only those holding a
    // code are read again and rewritten under it. A code a sync refuses cannot be stored since.
    const withSkillCodes = await deps.store.findProfilesWithSkillCodes(keepUsableSkills);
    const batch = (trx: Knex.Transaction) => this.purgeBatch(trx, cutoffs, periods, withSkillCodes);
    const first = await deps.decisionLog.withTransaction(async (trx) =>
      (await isDue(trx)) ? batch(trx) : undefined,
    );
    if (first === undefined) return undefined;
    let run = first;
    // A full batch of idle profiles may have left others past their period: the next batches follow
    // at once, each a transaction of its own (writers go on in between), until none is left. Left to
    // the next day's run, they piled up whenever more profiles fell idle in a day than a batch holds.
    while (run.idleLeft) {
      const next = await deps.decisionLog.withTransaction(batch);
      run = { purged: addPurgedRows(run.purged, next.purged), seq: next.seq, idleLeft: next.idleLeft };
    }
    const { purged, seq } = run;
    // Every run, whatever it purged: a scrub that an erasure, an objection, a retraction or a recall
    // left incomplete (it is only logged) is done here at the latest, a day later.
    const storage = await scrubAfterCommit(deps.scrubber, deps.logger);
    return {
      ranAt: now.toISOString(),
      periods,
      cutoffs,
      purged,
      seq,
      storageScrubbed: storage.complete,
      storageDetail: storage.detail,
    };
  }

  /**
   * One transaction's purge, with its `retention.purged` event: everything past its period, and at
   * most {@link IDLE_PROFILES_PER_BATCH} idle profiles; `idleLeft` when that many were deleted, so that
   * others may be left.
   */
  private async purgeBatch(
    trx: Knex.Transaction,
    cutoffs: RetentionCutoffs,
    periods: RetentionPeriods,
    withSkillCodes: readonly string[],
  ): Promise<{ purged: PurgedRows; seq: number; idleLeft: boolean }> {
    const { deps } = this;
    // Before the sets go: feedback given within the period on an expired set is still activity.
    const idle = await deps.store.findIdleJobSeekers(trx, cutoffs.personalData, IDLE_PROFILES_PER_BATCH);
    const sets = await deps.store.purgeRecommendationSets(trx, cutoffs.personalData);
    const rows: PurgedRows = {
      jobSeekers: 0,
      recommendationSets: sets.sets,
      recommendationItems: sets.items,
      feedback: sets.feedback + (await deps.store.purgeFeedback(trx, cutoffs.personalData)),
      contestReplies: sets.contestReplies + (await deps.store.purgeContestReplies(trx, cutoffs.personalData)),
      outcomes: sets.outcomes,
      idempotencyKeys: 0,
      skillCodes: 0,
      subjectKeys: 0,
      fileReads: 0,
      secondReviewReads: 0,
    };
    for (const seekerId of idle) {
      const erased = await deps.erasure.eraseJobSeekerRows(trx, seekerId);
      rows.jobSeekers += erased.profiles;
      rows.recommendationSets += erased.recommendationSets;
      rows.recommendationItems += erased.recommendationItems;
      rows.feedback += erased.feedback;
      rows.contestReplies += erased.contestReplies;
      rows.outcomes += erased.outcomes;
      rows.idempotencyKeys += erased.idempotencyKeys;
      rows.fileReads += erased.fileReads;
    }
    // Its own period: a read is no activity, and kept no profile above.
    rows.fileReads += await deps.store.purgeFileReads(trx, cutoffs.readTrace);
    // A staff read as well, kept on the set: the same period.
    rows.secondReviewReads = await deps.store.clearSecondReviewReads(trx, cutoffs.readTrace);
    rows.idempotencyKeys += await deps.store.purgeIdempotencyKeys(trx, cutoffs.idempotencyKeys);
    // Codes a sync refuses, stored before it did: never read out (`keepUsableSkills`), not kept.
    rows.skillCodes = await deps.store.removeSkillCodes(trx, withSkillCodes, keepUsableSkills);
    rows.subjectKeys = await deps.store.shredKeysOfInactiveSubjects(trx, cutoffs.log);
    // Counts and sums only, no person: not counted among the rows purged.
    await deps.store.purgeFrozenFigureWeeks(trx, cutoffs.log);
    // Counts only: the purged people are named nowhere, not even by pseudonym.
    const event = await deps.decisionLog.append(trx, {
      type: 'retention.purged',
      actor: { role: 'system', id: 'retention' },
      payload: { periods, cutoffs, purged: rows },
    });
    return {
      purged: rows,
      seq: event.seq,
      idleLeft: idle.length === IDLE_PROFILES_PER_BATCH && rows.jobSeekers > 0,
    };
  }
}
