import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { act, createSet, decideAll, putSettings, readSet, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;

/**
 * A set that expired while it awaited its second review stays readable, as expired, by the
 * counselors who could have given it, so that a reviewer who had it open is told it expired rather
 * than that it vanished. Once a day has passed since its expiry, no second review can be at stake
 * any more: a counselor who does not hold the person's caseload gets 404, as for a missing set,
 * whoever recorded the expiry; the person's counselor keeps reading it.
 */
describe('an expired set awaiting a second review, read a day after its expiry', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let reviewer: string;
  let otherReviewer: string;

  beforeAll(async () => {
    let otherCounselor: string;
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
    reviewer = otherCounselor;
    otherReviewer = await t.tokenFor('counselor', 'c-003');
    await putSettings(t, { secondReviewRate: 1, setTtlHours: 1 });
  });
  afterAll(() => t.close());

  async function handOnAndLetExpire(): Promise<string> {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
    const decided = await decideAll(t, counselor, set.id);
    const handed = await act(t, counselor, set.id, 'publish', decided.etag);
    expect(handed.body.status).toBe('awaiting_second_review');
    await readSet(t, reviewer, set.id);
    clock.advance(2 * HOUR);
    return set.id;
  }

  async function readStatus(token: string, setId: string) {
    const res = await t.http.get(`/v1/recommendations/${setId}`).auth(token, { type: 'bearer' });
    return { status: res.status, setStatus: res.body.status };
  }

  async function secondReviewQueueIds(token: string): Promise<string[]> {
    const res = await t.http.get('/v1/recommendations?queue=second_review').auth(token, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.body.items.map((item: { id: string }) => item.id);
  }

  it('shows the set as expired to a second reviewer candidate within a day of its expiry', async () => {
    const setId = await handOnAndLetExpire();
    await t.container.retention.purgeExpired();
    expect(await readStatus(reviewer, setId)).toEqual({ status: 200, setStatus: 'expired' });
    expect(await readStatus(otherReviewer, setId)).toEqual({ status: 200, setStatus: 'expired' });
  });

  it('answers 404 to a second reviewer candidate a day after its expiry, recorded by the retention job', async () => {
    const setId = await handOnAndLetExpire();
    await t.container.retention.purgeExpired();
    clock.advance(25 * HOUR);
    const read = await t.http.get(`/v1/recommendations/${setId}`).auth(reviewer, { type: 'bearer' });
    expect(read.status).toBe(404);
    expect(read.body.detail).toMatch(/was not found among the sets you may see/);
    expect((await readStatus(otherReviewer, setId)).status).toBe(404);
  });

  it('answers 404 to a second reviewer candidate a day after its expiry, recorded by their own read', async () => {
    const setId = await handOnAndLetExpire();
    clock.advance(25 * HOUR);
    expect((await readStatus(otherReviewer, setId)).status).toBe(404);
    expect((await readStatus(reviewer, setId)).status).toBe(404);
  });

  it("keeps showing the set to the person's counselor a day after its expiry", async () => {
    const setId = await handOnAndLetExpire();
    await t.container.retention.purgeExpired();
    clock.advance(25 * HOUR);
    expect(await readStatus(counselor, setId)).toEqual({ status: 200, setStatus: 'expired' });
  });

  it('leaves the set out of the second review queue, within the day and after it', async () => {
    const setId = await handOnAndLetExpire();
    expect(await secondReviewQueueIds(otherReviewer)).not.toContain(setId);
    clock.advance(25 * HOUR);
    expect(await secondReviewQueueIds(otherReviewer)).not.toContain(setId);
  });
});
