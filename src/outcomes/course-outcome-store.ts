import type { Knex } from 'knex';
import type { CourseOutcome, PublishedItemOutcome } from './course-outcome.ts';

/** Persistence of the outcomes of proposed courses. */
export interface CourseOutcomeStore {
  /** The person's outcome for the course, read in `trx`; undefined when none was recorded. */
  find(trx: Knex.Transaction, seekerId: string, courseId: string): Promise<CourseOutcome | undefined>;
  /** Inserts the outcome (version 1) or replaces the person's outcome for the course in place. */
  save(trx: Knex.Transaction, outcome: CourseOutcome): Promise<void>;
  /** The person's outcomes, oldest first, read in `trx` when given. */
  listForSeeker(seekerId: string, trx?: Knex.Transaction): Promise<CourseOutcome[]>;
  /** Deletes the person's outcomes; how many there were. */
  deleteForSeeker(trx: Knex.Transaction, seekerId: string): Promise<number>;
}

/** What the auditors' outcome figures read. */
export interface PublishedItemOutcomeReader {
  /**
   * Every approved item of the sets still published (retracted ones left out) whose publication
   * falls in the period (`from` inclusive, `to` exclusive), with the outcome linked to it, if any.
   */
  listPublishedItemOutcomes(period: { from?: string; to?: string }): Promise<PublishedItemOutcome[]>;
}
