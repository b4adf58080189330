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
  reply: { id: string; itemId: string; message: string; createdAt: string } | null;
}

/** Where the person's contests and the replies to them are read. */
export interface PersonContestReader {
  /** The contests of person `seekerId`, of every set of theirs, oldest first (by time, then id). */
  listContestsOfSeeker(seekerId: string): Promise<PersonContest[]>;
}
