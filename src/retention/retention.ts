import type { RetentionConfig } from '../config.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The instants before which each kind of data has expired. */
export interface RetentionCutoffs {
  /**
   * Finished recommendation sets (created before), feedback (given before), and job-seeker
   * profiles idle since then (see {@link IdleJobSeeker}).
   */
  personalData: string;
  /** Idempotency keys (created before). */
  idempotencyKeys: string;
  /** Job seekers with no decision event since then have their decision-log key shredded. */
  log: string;
}

/**
 * A job seeker with no activity for the whole personal-data period, whose profile is purged. The
 * definition: the profile was last written (synced by the case-management system, or an objection
 * recorded) before the cutoff; no recommendation set was created for them since the cutoff (and
 * none is still open short of being expired for the whole period); and they gave no feedback since
 * the cutoff. In short: no counselor, no person and no upstream system has touched their file
 * within the period, so nothing of theirs is still needed.
 */
export interface IdleJobSeeker {
  id: string;
  /** The person had objected to AI processing: the objection goes with the profile. */
  aiObjection: boolean;
}

/**
 * Rows removed by one retention run, whichever rule removed them: the sets, feedback, stored
 * answers and keys of purged profiles are counted with the others.
 */
export interface PurgedRows {
  /** Profiles idle for the whole personal-data period, erased as an erasure does. */
  jobSeekers: number;
  recommendationSets: number;
  recommendationItems: number;
  feedback: number;
  idempotencyKeys: number;
  /**
   * Decision-log keys destroyed, of purged profiles and of people with no event for the whole log
   * period: the personal parts of those people's events are unreadable.
   */
  subjectKeys: number;
}

/** What one retention run did; it is also the payload of its `retention.purged` event. */
export interface RetentionReport {
  ranAt: string;
  periods: { personalDays: number; idempotencyHours: number; logDays: number };
  cutoffs: RetentionCutoffs;
  purged: PurgedRows;
  /**
   * How many of the purged profiles carried an objection to AI processing. Recorded so that the
   * objection does not vanish unseen: a person synced again later starts with a new profile,
   * without it.
   */
  objectionsPurged: number;
  /** The seq of the `retention.purged` event. */
  seq: number;
  /** Whether the purged bytes were also cleared from the database files (false when nothing was purged). */
  storageScrubbed: boolean;
}

/** The cutoffs of a run at `now`. */
export function computeRetentionCutoffs(
  now: Date,
  periods: Pick<RetentionConfig, 'personalDays' | 'idempotencyHours' | 'logDays'>,
): RetentionCutoffs {
  const before = (ms: number) => new Date(now.getTime() - ms).toISOString();
  return {
    personalData: before(periods.personalDays * DAY_MS),
    idempotencyKeys: before(periods.idempotencyHours * HOUR_MS),
    log: before(periods.logDays * DAY_MS),
  };
}

export function countPurged(purged: PurgedRows): number {
  return Object.values(purged).reduce((sum, count) => sum + count, 0);
}
