import type { RetentionConfig } from '../config.ts';
import type { SecondReviewRead } from '../recommendations/recommendation.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The instants before which each kind of data has expired. */
export interface RetentionCutoffs {
  /**
   * Recommendation sets whose review ended before then (published, discarded or expired; see
   * `RetentionStore.purgeRecommendationSets`) with the outcomes linked to their items, feedback
   * (given before), and job-seeker
   * profiles idle since then (see `RetentionStore.findIdleJobSeekers`).
   */
  personalData: string;
  /** Idempotency keys (created before). */
  idempotencyKeys: string;
  /** Job seekers with no decision event since then have their decision-log key shredded. */
  log: string;
  /** Staff reads of people's files (the read trace, and the sets' second-review reads) made before then. */
  readTrace: string;
}

/**
 * Rows removed by one retention run, whichever rule removed them: the sets, feedback and stored
 * answers of purged profiles are counted with the others.
 */
export interface PurgedRows {
  /**
   * Profiles idle for the whole personal-data period, deleted with their rows as an erasure does.
   * Their decision-log key is left to the log period, as everyone's.
   */
  jobSeekers: number;
  recommendationSets: number;
  recommendationItems: number;
  feedback: number;
  /** The counselors' replies to contests, purged as feedback (given before the cutoff, or with their set). */
  contestReplies: number;
  /** Outcomes of proposed courses, purged with the set they are about (or with the profile). */
  outcomes: number;
  idempotencyKeys: number;
  /**
   * Skill codes naming a status or condition of the person (`rqth`…), removed from the stored
   * profiles that still held them (stored before the sync refused them). Counted, never named.
   */
  skillCodes: number;
  /** Decision-log keys destroyed: the personal parts of those people's events are unreadable. */
  subjectKeys: number;
  /** Staff reads of people's files (the read trace), older than its period or with a purged profile. */
  fileReads: number;
  /**
   * Second-review reads (which counselor read a set for its second review, when) removed from their
   * sets once older than the read trace's period, those a review still awaiting needs aside.
   */
  secondReviewReads: number;
}

/** The rows two batches of one run purged, together. */
export function addPurgedRows(a: PurgedRows, b: PurgedRows): PurgedRows {
  const sum = { ...a };
  for (const key of Object.keys(sum) as Array<keyof PurgedRows>) sum[key] += b[key];
  return sum;
}

/**
 * What one retention run did: the payload of its `retention.purged` event, or, for a run of several
 * batches (more idle profiles than one holds), their counts added up.
 */
export interface RetentionReport {
  ranAt: string;
  periods: RetentionPeriods;
  cutoffs: RetentionCutoffs;
  purged: PurgedRows;
  /** The seq of the `retention.purged` event (of the last batch's, for a run of several). */
  seq: number;
  /**
   * Whether the database files were cleared of deleted rows after the run: every run scrubs, whatever
   * it purged, so that a scrub left incomplete since the last run (after an erasure, an objection…)
   * is done at the latest by this one.
   */
  storageScrubbed: boolean;
  /** What that clearing did, or why it was not done (for the operator running the purge). */
  storageDetail: string;
}

/** The periods a run applies. */
export type RetentionPeriods = Pick<
  RetentionConfig,
  'personalDays' | 'idempotencyHours' | 'logDays' | 'readTraceDays'
>;

/** The cutoffs of a run at `now`. */
export function computeRetentionCutoffs(now: Date, periods: RetentionPeriods): RetentionCutoffs {
  const before = (ms: number) => new Date(now.getTime() - ms).toISOString();
  return {
    personalData: before(periods.personalDays * DAY_MS),
    idempotencyKeys: before(periods.idempotencyHours * HOUR_MS),
    log: before(periods.logDays * DAY_MS),
    readTrace: before(periods.readTraceDays * DAY_MS),
  };
}

/**
 * The second-review reads of a set the retention run keeps: those made from `before` on, and the
 * current round's of a set still awaiting its second review, which say who may approve it (the next
 * run after the review ends removes them).
 */
export function keepSecondReviewReads(
  reads: readonly SecondReviewRead[],
  set: { awaitingSecondReview: boolean; round: number },
  before: string,
): SecondReviewRead[] {
  return reads.filter((read) => read.at >= before || (set.awaitingSecondReview && read.round === set.round));
}
