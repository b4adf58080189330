import type { Knex } from 'knex';
import type { ItemSource } from '../recommendations/recommendation.ts';
import type { CourseOutcome } from './course-outcome.ts';

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
  /** Deletes the outcomes linked to the set's items (the set was retracted); how many there were. */
  deleteForSet(trx: Knex.Transaction, setId: string): Promise<number>;
}

/** What the auditors' outcome figures read of the sets (the outcomes themselves are read from the log). */
export interface PublishedItemCounter {
  /**
   * How many approved items of the sets still published (retracted ones left out) were published in
   * the period (`from` inclusive, `to` exclusive), per model version and source.
   */
  countPublishedItems(period: {
    from?: string;
    to?: string;
  }): Promise<Array<{ model: { id: string; version: string } | null; source: ItemSource; items: number }>>;
}
