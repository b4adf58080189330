import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { aWorkflowSeeker, createSet, syncSeeker, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;

type Summary = { id: string; status: string; expiresAt: string; closedAt: string | null };

/**
 * A queue read records at most 100 expiries of the whole deployment, the earliest first, whoever's
 * they are; the queue still shows every set whose lifetime has passed as expired.
 */
describe("a counselor's queue when more than a read's batch of the deployment's sets are due", () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;
  let mine: { id: string };

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
    // 201 sets of another counselor's caseload, made first, so due first: two queue reads record
    // 200 expiries, none of them the counselor's.
    await syncSeeker(t, 'js-elsewhere', aWorkflowSeeker({ counselorId: 'c-002' }));
    for (let i = 0; i < 201; i += 1) await createSet(t, otherCounselor, 'js-elsewhere', { limit: 1 });
    clock.advance(60_000);
    ({ set: mine } = await createSet(t, counselor, 'js-1', { limit: 1 }));
    clock.advance(169 * HOUR); // every set's lifetime (168 h) has passed
  });
  afterAll(() => t.close());

  const readQueue = async (query: string) => {
    const queue = await t.http.get(`/v1/recommendations${query}`).auth(counselor, { type: 'bearer' });
    expect(queue.status).toBe(200);
    return (queue.body.items as Summary[]).find((summary) => summary.id === mine.id);
  };

  it('does not list their set whose lifetime has passed under status=pending_review', async () => {
    expect(await readQueue('?status=pending_review')).toBeUndefined();
  });

  it('lists it as expired, at the end of its lifetime, under status=expired and unfiltered', async () => {
    for (const query of ['', '?status=expired']) {
      const listed = await readQueue(query);
      expect(listed?.status).toBe('expired');
      expect(listed?.closedAt).toBe(listed?.expiresAt);
    }
    const read = await t.http.get(`/v1/recommendations/${mine.id}`).auth(counselor, { type: 'bearer' });
    expect(read.body.status).toBe('expired');
  });
});
