import type { Knex } from 'knex';

/**
 * Deletion of expired data. Every method works inside the caller's transaction, but the read-only
 * scan for skill codes ({@link RetentionStore.findProfilesWithSkillCodes}), which runs before it.
 */
export interface RetentionStore {
  /**
   * Deletes, with their items, the feedback on those items, the replies to its contests and the
   * outcomes linked to them, the
   * recommendation sets whose review ended before `before` (published, discarded or expired; a retraction or replacement since
   * changes nothing, and the set the person is shown goes too), and sets still open whose expiry is
   * before it.
   */
  purgeRecommendationSets(
    trx: Knex.Transaction,
    before: string,
  ): Promise<{ sets: number; items: number; feedback: number; contestReplies: number; outcomes: number }>;
  /** Deletes feedback given before `before`. */
  purgeFeedback(trx: Knex.Transaction, before: string): Promise<number>;
  /** Deletes the counselors' replies to contests given before `before`, as feedback. */
  purgeContestReplies(trx: Knex.Transaction, before: string): Promise<number>;
  /**
   * The ids of at most `limit` idle job seekers, in id order: the profile was last written (synced
   * by the case-management system, or an objection recorded or withdrawn) before `before`; no set
   * was created for them since (and none is still open short of being expired for the whole
   * period); they gave no feedback since, and no counselor replied to their contests. No counselor, no person and no upstream system touched
   * their file within the period. An outcome recorded since does not count: it is about a past
   * proposal, and goes with its set anyway. Someone who objected to AI processing is purged like anyone: the
   * decision log keeps their objection (or its withdrawal), which a later sync creating the
   * profile again follows. Read before the run purges sets and feedback, which would hide recent
   * feedback on an expired set.
   */
  findIdleJobSeekers(trx: Knex.Transaction, before: string, limit: number): Promise<string[]>;
  /**
   * The ids of the stored profiles whose skills hold a code `keep` leaves out (one naming a status or
   * condition of the person, stored before the sync refused it), in id order. Read page by page in
   * no transaction, locking nothing: the run scans every profile without holding the decision log's
   * lock, then takes it only to rewrite these ({@link removeSkillCodes}).
   */
  findProfilesWithSkillCodes(keep: (skills: readonly string[]) => string[]): Promise<string[]>;
  /**
   * Removes from the skills of the profiles `ids` the codes `keep` leaves out, each profile read
   * again under its lock (one since deleted, or synced without them, is left alone) and its last sync
   * (`updated_at`) left as it was; returns how many codes were removed.
   */
  removeSkillCodes(
    trx: Knex.Transaction,
    ids: readonly string[],
    keep: (skills: readonly string[]) => string[],
  ): Promise<number>;
  /** Deletes the consultations of people's files by staff (the read trace) whose last read is before `before`. */
  purgeFileReads(trx: Knex.Transaction, before: string): Promise<number>;
  /**
   * Removes from the sets the second-review reads (who read the set, when) made before `before`,
   * but for the current round's of a set still awaiting its second review: an approval needs its
   * reviewer's own read, and the next run after the review ends removes them. Reads only the sets
   * holding a read made before `before` (through the index of each set's earliest read). Returns how
   * many.
   */
  clearSecondReviewReads(trx: Knex.Transaction, before: string): Promise<number>;
  /** Deletes stored Idempotency-Key answers created before `before`. */
  purgeIdempotencyKeys(trx: Knex.Transaction, before: string): Promise<number>;
  /**
   * Destroys the decision-log keys of job seekers who have had no event since `before` (giving them
   * their data, `ACCESS_GIVEN_EVENT_TYPES`, a set's expiry and a refusal of suggestions aside);
   * returns how many. Their events stay, their
   * personal parts become unreadable.
   */
  shredKeysOfInactiveSubjects(trx: Knex.Transaction, before: string): Promise<number>;
  /**
   * Deletes the frozen weeks of the auditor's figures (`FigureWeekStore`) that ended before
   * `before`: they go with the log period, as the keys opening the events they were computed from.
   */
  purgeFrozenFigureWeeks(trx: Knex.Transaction, before: string): Promise<number>;
  /** When the last `retention.purged` event was recorded, if ever. */
  findLastRunAt(trx: Knex.Transaction): Promise<string | undefined>;
}
