/**
 * A second reviewer's comment reaches the person word for word: their data export gives it once the
 * set's review is over (`secondReviewReturn`, `secondReviewApproval`), without who wrote it. The
 * reviewer writes it to a colleague, so the answer tells them, lest a remark meant for the colleague
 * alone reach the person.
 */
export interface PersonReadsCommentWarning {
  code: 'comment_read_by_person';
  field: 'comment';
  message: string;
}

/** The warning for a second reviewer's comment, when one was given. */
export function warnPersonReadsComment(
  decision: 'approve' | 'return',
  comment: string | null,
): PersonReadsCommentWarning[] {
  if (comment === null) return [];
  const when =
    decision === 'approve'
      ? 'from now on, the set being published'
      : "once the set's review is over (the last return's comment only)";
  return [
    {
      code: 'comment_read_by_person',
      field: 'comment',
      message:
        `the person reads this comment word for word in their data export ${when}, without your name: ` +
        'write nothing in it you would not tell them',
    },
  ];
}
