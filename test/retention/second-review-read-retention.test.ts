import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { act, createSet, decideAll, putSettings, readSet, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const DAY = 24 * 3_600_000;

/**
 * Which counselor read a set for its second review, and when, is a staff read of the person's file:
 * kept `RETENTION_READ_TRACE_DAYS` as the read trace is, not the set's whole life.
 */
describe('clearing the second-review reads kept on a set', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp({
      env: { RETENTION_READ_TRACE_DAYS: '2' },
    }));
  });
  beforeEach(() => putSettings(t, { secondReviewRate: 1 }));
  afterAll(() => t.close());

  async function handToSecondReview(): Promise<string> {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
    const { etag } = await decideAll(t, counselor, set.id, { approve: 1 });
    const handed = await act(t, counselor, set.id, 'publish', etag);
    expect(handed.body.status).toBe('awaiting_second_review');
    return String(handed.body.id);
  }

  const storedReadsOf = async (setId: string): Promise<unknown> =>
    (await t.container.db('recommendation_sets').where({ id: setId }).first()).second_review_reads;

  it('keeps a reviewer’s read for the read-trace period, then removes who read the set and when, and counts it in the run', async () => {
    const setId = await handToSecondReview();
    const { etag } = await readSet(t, otherCounselor, setId);
    const approved = await act(t, otherCounselor, setId, 'second-review', etag, { decision: 'approve' });
    expect(approved.status).toBe(200);

    clock.advance(2 * DAY);
    const within = await t.container.retention.purgeExpired();
    expect(within.purged.secondReviewReads).toBe(0);
    expect(await storedReadsOf(setId)).not.toBeNull();

    clock.advance(1);
    const past = await t.container.retention.purgeExpired();
    expect(past.purged.secondReviewReads).toBe(1);
    expect(await storedReadsOf(setId)).toBeNull();
    // The set keeps who approved it: a decision, not a read.
    const read = await readSet(t, counselor, setId);
    expect(read.set.secondReview).toMatchObject({ reviewerId: 'c-002', reads: [] });
  });

  it('keeps the read a review still awaiting needs, so that its reader may approve, and removes it once the review is over', async () => {
    const setId = await handToSecondReview();
    const { etag } = await readSet(t, otherCounselor, setId);
    clock.advance(2 * DAY + 1);

    const awaiting = await t.container.retention.purgeExpired();
    expect(awaiting.purged.secondReviewReads).toBe(0);
    const approved = await act(t, otherCounselor, setId, 'second-review', etag, { decision: 'approve' });
    expect(approved.status).toBe(200);

    const over = await t.container.retention.purgeExpired();
    expect(over.purged.secondReviewReads).toBe(1);
    expect(await storedReadsOf(setId)).toBeNull();
  });
});
