import type { Knex } from 'knex';
import type { JobSeeker, JobSeekerInput, JobSeekerStanding } from './job-seeker.ts';

/** Persistence of job-seeker profiles. */
export interface JobSeekerStore {
  /** The profile, or undefined when there is none; read in `trx` when given. */
  findById(id: string, trx?: Knex.Transaction): Promise<JobSeeker | undefined>;
  /**
   * The person's enrolment, caseload and objection, nothing of the profile (undefined when there is
   * no such person); read in `trx` when given: for a check that needs no more, such as whose
   * caseload holds them.
   */
  findStanding(id: string, trx?: Knex.Transaction): Promise<JobSeekerStanding | undefined>;
  /**
   * The profile, locked until `trx` ends, so that what the caller decides from it (an objection, a
   * caseload) cannot change before it commits; undefined when there is none. (SQLite's write
   * transaction already keeps every other writer out.)
   */
  lockById(trx: Knex.Transaction, id: string): Promise<JobSeeker | undefined>;
  /**
   * The person's row locked as `lockById` locks it, reading only their enrolment, caseload and
   * objection: for a check under the lock that needs nothing of the profile (every suggestion's
   * storing makes one).
   */
  lockStanding(trx: Knex.Transaction, id: string): Promise<JobSeekerStanding | undefined>;
  /**
   * Creates or replaces the profile; `created` tells which (a created profile is a new enrolment, with
   * an `enrolmentId` of its own; a replaced one keeps its own), `previous` is the profile it replaced
   * as stored: skill codes never read out (`keepUsableSkills`) included, so that a sync dropping one
   * is seen to change the skills. `previous` is for comparing, never shown.
   * The objection flag is kept. Runs in `trx` when given, else in a transaction of its own.
   */
  upsert(
    id: string,
    input: JobSeekerInput,
    now: Date,
    trx?: Knex.Transaction,
  ): Promise<{ jobSeeker: JobSeeker; created: boolean; previous?: JobSeeker }>;
  /**
   * Records the person's objection to AI processing, made `at`; false when there is no such person.
   * Its time keeps the profile from being purged as idle within the retention period.
   */
  recordObjection(trx: Knex.Transaction, id: string, at: Date): Promise<boolean>;
  /**
   * Lifts the person's objection to AI processing; false when none stood (or there is no such
   * person). Only a standing objection is changed, so two withdrawals at once lift it once. Its time,
   * `at`, counts as the objection's does.
   */
  withdrawObjection(trx: Knex.Transaction, id: string, at: Date): Promise<boolean>;
}
