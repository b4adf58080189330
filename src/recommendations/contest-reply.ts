/**
 * A counselor's reply to the person's contests of a course published to them (their answers
 * `contest`, which the explanation tells them their counselor will look at again): what the counselor
 * concluded, to the person. It answers the contests of the course given at its time or before.
 */
export interface ContestReply {
  id: string;
  itemId: string;
  seekerId: string;
  /** Who replied: the counselor holding the person's caseload then. */
  counselorId: string;
  message: string;
  createdAt: string;
}
