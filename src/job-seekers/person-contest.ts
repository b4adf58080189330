/**
 * A contest of the person (feedback `contest`) as their counselor reads it in the person's file: the
 * course it is about, and the reply that answered it, null while no reply did.
 */
export interface PersonContest {
  id: string;
  setId: string;
  itemId: string;
  courseId: string;
  /** The course's title as the set keeps it (its snapshot, not the catalog now). */
  title: string;
  comment: string | null;
  createdAt: string;
  /** The reply that answered it, with who wrote it (`repliedBy`, a counselor's id), null while none did. */
  reply: { id: string; itemId: string; message: string; createdAt: string; repliedBy: string } | null;
}

/** Where a page of the person's contests starts: after the contest given at `createdAt` with `id`. */
export interface PersonContestPosition {
  createdAt: string;
  id: string;
}

/** One page of the person's contests: at most `limit`, after `after` when given. */
export interface PersonContestPageRequest {
  limit: number;
  after?: PersonContestPosition;
}

/**
 * One page of the person's file: at most `limit` contests, after the position `readAfter` gives for
 * the enrolment the file is of (none: from the first). A position is bound to the enrolment it was
 * given for: `readAfter` refuses one given before the person was erased and enrolled again.
 */
export interface PersonFilePageRequest {
  limit: number;
  readAfter?: (enrolmentId: string | null) => PersonContestPosition | undefined;
}

/** Where the person's contests and the replies to them are read. */
export interface PersonContestReader {
  /** The contests of person `seekerId`, of every set of theirs, oldest first (by time, then id): one page. */
  listContestsOfSeeker(seekerId: string, page: PersonContestPageRequest): Promise<PersonContest[]>;
}
