import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymOf } from '../audit/support/audit-events.ts';
import type { TestApp } from '../support/test-app.ts';
import { act, createSet, decideAll, putSettings, readSet, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const SECOND = 1000;
const FAST_SECONDS = 10;
const RETURN_COMMENT = 'Vérifier les dates de session avec la personne avant de publier.';

/** One second review: read first (or not), decided `seconds` after the reading. */
interface ScriptedReview {
  read: boolean;
  seconds: number;
  decision: 'approve' | 'return';
}

/** Quick approvals mostly, one long look that ends in a return, and a return made without reading. */
const SCRIPT: readonly ScriptedReview[] = [
  { read: true, seconds: 3, decision: 'approve' },
  { read: true, seconds: 4, decision: 'approve' },
  { read: true, seconds: 40, decision: 'return' },
  { read: true, seconds: FAST_SECONDS, decision: 'approve' },
  { read: false, seconds: 25, decision: 'return' },
  { read: true, seconds: 2, decision: 'approve' },
];

describe('the oversight figures of the second review', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let secondReviewer: string;
  let from: string;

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor: secondReviewer } = await startWorkflowApp());
    await putSettings(t, { secondReviewRate: 1 });
    from = clock.now().toISOString();
    for (const review of SCRIPT) {
      const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
      const { etag: decided } = await decideAll(t, counselor, set.id, { approve: 1 });
      const handed = await act(t, counselor, set.id, 'publish', decided);
      expect(handed.body.status).toBe('awaiting_second_review');
      let etag = String(handed.headers.etag);
      if (review.read) etag = (await readSet(t, secondReviewer, set.id)).etag;
      clock.advance(review.seconds * SECOND);
      const done = await act(t, secondReviewer, set.id, 'second-review', etag, {
        decision: review.decision,
        ...(review.decision === 'return' ? { comment: RETURN_COMMENT } : {}),
      });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      clock.advance(60 * SECOND);
    }
  });
  afterAll(() => t.close());

  async function oversightRows() {
    const auditor = await t.tokenFor('auditor', 'dpo-1');
    const res = await t.http
      .get(`/v1/audit/stats/oversight?from=${from}&fastDecisionSeconds=${FAST_SECONDS}`)
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'oversight of second reviews');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.rows as Array<Record<string, unknown>>;
  }

  it('gives the second reviewer their approvals, returns, median time from reading and fast share', async () => {
    // Worked out by hand from the script: a return made without reading has no time.
    const timed = SCRIPT.filter((review) => review.read).map((review) => review.seconds);
    const sorted = [...timed].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    const median =
      sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
    expect(median).toBe(4);

    const rows = await oversightRows();
    const row = rows.find((candidate) => candidate.counselor === pseudonymOf(t, 'c-002'));
    expect(row).toMatchObject({
      sets: 0,
      decisions: 0,
      secondReviewApprovals: SCRIPT.filter((review) => review.decision === 'approve').length,
      secondReviewReturns: SCRIPT.filter((review) => review.decision === 'return').length,
      timedSecondReviews: timed.length,
      medianSecondReviewSeconds: median,
      fastSecondReviewShare: timed.filter((seconds) => seconds <= FAST_SECONDS).length / timed.length,
    });
    expect(row).toMatchObject({
      secondReviewApprovals: 4,
      secondReviewReturns: 2,
      timedSecondReviews: 5,
      fastSecondReviewShare: 0.8,
    });
  });

  it('gives the sets’ own counselor no second-review figures, their own review unchanged', async () => {
    const rows = await oversightRows();
    expect(rows).toHaveLength(2);
    expect(rows.find((candidate) => candidate.counselor === pseudonymOf(t, 'c-001'))).toMatchObject({
      sets: SCRIPT.length,
      secondReviewApprovals: 0,
      secondReviewReturns: 0,
      timedSecondReviews: 0,
      medianSecondReviewSeconds: null,
      fastSecondReviewShare: null,
    });
  });
});
