import type { Principal } from '../auth/principal.ts';
import { refuseIdInRequestReference } from '../screening/request-reference.ts';
import { NotFoundError, problemType } from '../shared/errors.ts';

/** A request for erasure as the admin answers it: who answers, for whom, and its reference. */
export interface ErasureRequest {
  admin: Principal;
  seekerId: string;
  /** The request's reference (a ticket or letter number), as `X-Erasure-Request` gives it. */
  reference: string;
}

/** Where the reference comes from, as a refusal names it. */
export const ERASURE_REQUEST_PLACE = { header: 'X-Erasure-Request' } as const;

/**
 * The request of `admin` answering `reference` for `seekerId`, screened as an access request's
 * reference is: it is kept in the public part of `subject.erased`, readable for good, so one holding
 * the person's id is refused here, and the service then checks it as every text the log keeps readable.
 */
export function erasureRequestFor(admin: Principal, seekerId: string, reference: string): ErasureRequest {
  refuseIdInRequestReference(ERASURE_REQUEST_PLACE, reference, seekerId);
  return { admin, seekerId, reference };
}

/**
 * A second erasure of someone about whom nothing was held or done since their erasure on
 * `erasedAt` (problem `subject-erased`, 404): nothing is left to erase, and nothing is recorded. The
 * admin answering a request sent twice learns it was honoured, and when, where a bare 404 read as a
 * wrong id; the date is what a sync of the person is told as well.
 */
export function alreadyErased(seekerId: string, erasedAt: string): NotFoundError {
  return new NotFoundError(
    `job seeker ${seekerId} was already erased on ${erasedAt}, and nothing about them has been held or ` +
      'logged since: there is nothing left to erase, and this request is not recorded',
    { ...problemType('subject-erased'), erasedAt },
  );
}

/** Rows deleted when a job seeker's data is erased, per kind. */
export interface ErasedRows {
  /** The profile itself: 1, or 0 when only the decision-log key was left. */
  profiles: number;
  recommendationSets: number;
  recommendationItems: number;
  feedback: number;
  /** The counselors' replies to the person's contests. */
  contestReplies: number;
  /** What became of the courses proposed to the person (`course_outcomes`). */
  outcomes: number;
  /** Stored answers to an Idempotency-Key that held one of the person's sets. */
  idempotencyKeys: number;
  /** Staff reads of the person's file (the read trace, record 0022). */
  fileReads: number;
}

/** What an erasure did. */
export interface ErasureReport {
  erased: ErasedRows;
  /** The person's decision-log key was destroyed: the personal parts of their events are unreadable. */
  subjectKeyShredded: boolean;
  /** The seq of the `subject.erased` event. */
  seq: number;
  /** Whether the deleted bytes were also cleared from the database files (see {@link ScrubOutcome}). */
  storage: ScrubOutcome;
}

/** How far deleted rows were removed from the database files. */
export interface ScrubOutcome {
  /**
   * SQLite: the rows were zeroed (`secure_delete`), the statistics sampled again where an operator
   * keeps them, and the write-ahead log was checkpointed and truncated. PostgreSQL: the tables were
   * vacuumed (dead tuples removed, space not zeroed) and analyzed, the statistics of those left
   * empty dropped. False when the engine could not do it now (another connection was reading the
   * WAL, a lock was held, the database failed).
   */
  complete: boolean;
  detail: string;
}
