import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { act, createSet, decideAll, putSettings, readSet, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;

/**
 * A set whose lifetime passed while it awaited its second review. The second reviewer acting on it
 * was told it expired (409 `set-expired`) when their own request recorded the expiry, but "no longer
 * awaits a second review" (409 `second-review-over`), or 404 when they had not read it, when the
 * daily retention job, or any other request, had recorded it first: the same fact, two answers,
 * depending on who noticed the clock first. The answer is now the one of an expiry, whoever recorded it.
 * Their read of it, likewise, was answered with the set shown as expired when the read itself
 * recorded the expiry, but 404 once the retention job or another request had: it now shows the set as
 * expired, the read traced, whoever recorded the expiry.
 */
describe('a second review of a set that expired while awaiting it, acted on or read', () => {
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

  async function handOnAndLetExpire(): Promise<{ setId: string; etag: string }> {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
    const decided = await decideAll(t, counselor, set.id);
    const handed = await act(t, counselor, set.id, 'publish', decided.etag);
    expect(handed.body.status).toBe('awaiting_second_review');
    const { etag } = await readSet(t, reviewer, set.id);
    clock.advance(2 * HOUR);
    return { setId: set.id, etag };
  }

  async function approveOnce(token: string, setId: string, etag: string) {
    const res = await act(t, token, setId, 'second-review', etag, { decision: 'approve' });
    return {
      status: res.status,
      type: res.body.type,
      detail: res.body.detail,
      setStatus: res.body.setStatus,
    };
  }

  it('tells the reviewer the set expired when the retention job recorded the expiry, as when their own request did', async () => {
    const noticed = await handOnAndLetExpire();
    const byRequest = await approveOnce(reviewer, noticed.setId, noticed.etag);

    const swept = await handOnAndLetExpire();
    await t.container.retention.purgeExpired();
    const byJob = await approveOnce(reviewer, swept.setId, swept.etag);

    expect(byRequest).toMatchObject({ status: 409, setStatus: 'expired' });
    expect(byRequest.type).toMatch(/set-expired$/);
    expect(byJob).toEqual(byRequest);
  });

  it('answers a reviewer who had not read the set the same way, whoever recorded the expiry', async () => {
    const noticed = await handOnAndLetExpire();
    const byRequest = await approveOnce(otherReviewer, noticed.setId, noticed.etag);

    const swept = await handOnAndLetExpire();
    await t.container.retention.purgeExpired();
    const byJob = await approveOnce(otherReviewer, swept.setId, swept.etag);

    expect(byRequest.status).toBe(409);
    expect(byJob).toEqual(byRequest);
  });

  it('still refuses the set to its first reviewer as its counselor: an expiry, with where to start again', async () => {
    const swept = await handOnAndLetExpire();
    await t.container.retention.purgeExpired();
    const own = await act(t, counselor, swept.setId, 'second-review', swept.etag, { decision: 'approve' });
    expect(own.status).toBe(409);
    expect(own.body.type).toMatch(/set-expired$/);
  });

  it('still tells a counselor the set is not found once it was returned and then expired: it no longer awaited them', async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
    const decided = await decideAll(t, counselor, set.id);
    const handed = await act(t, counselor, set.id, 'publish', decided.etag);
    const returned = await act(t, reviewer, set.id, 'second-review', String(handed.headers.etag), {
      decision: 'return',
      comment: 'Une formation plus proche existe.',
    });
    expect(returned.status).toBe(200);
    clock.advance(2 * HOUR);
    await t.container.retention.purgeExpired();
    const late = await act(t, otherReviewer, set.id, 'second-review', String(returned.headers.etag), {
      decision: 'approve',
    });
    expect(late.status).toBe(404);
  });

  async function readOnce(token: string, setId: string) {
    const res = await t.http.get(`/v1/recommendations/${setId}`).auth(token, { type: 'bearer' });
    const traced = await t.container
      .db('file_reads')
      .where({ set_id: setId, reader_role: 'second_reviewer' });
    return {
      status: res.status,
      setStatus: res.body.status,
      allowedActions: res.body.allowedActions,
      traces: traced.length,
    };
  }

  it('shows the set as expired, its read traced, when the retention job recorded the expiry, as when the read did', async () => {
    const noticed = await handOnAndLetExpire();
    const byRead = await readOnce(reviewer, noticed.setId);

    const swept = await handOnAndLetExpire();
    await t.container.retention.purgeExpired();
    const byJob = await readOnce(reviewer, swept.setId);

    // The reviewer's first read, before the expiry, and this one.
    expect(byRead).toEqual({ status: 200, setStatus: 'expired', allowedActions: [], traces: 2 });
    expect(byJob).toEqual(byRead);
  });

  it('shows the set alike to a reviewer who had not read it, whoever recorded the expiry', async () => {
    const noticed = await handOnAndLetExpire();
    const byRead = await readOnce(otherReviewer, noticed.setId);

    const swept = await handOnAndLetExpire();
    await t.container.retention.purgeExpired();
    const byJob = await readOnce(otherReviewer, swept.setId);

    expect(byRead).toMatchObject({ status: 200, setStatus: 'expired' });
    expect(byJob).toEqual(byRead);
  });

  it("still answers 404 to the set's first reviewer's colleague once it was returned and then expired: it no longer awaited a second review", async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
    const decided = await decideAll(t, counselor, set.id);
    const handed = await act(t, counselor, set.id, 'publish', decided.etag);
    await readSet(t, reviewer, set.id);
    const returned = await act(t, reviewer, set.id, 'second-review', String(handed.headers.etag), {
      decision: 'return',
      comment: 'Une formation plus proche existe.',
    });
    expect(returned.status).toBe(200);
    clock.advance(2 * HOUR);
    await t.container.retention.purgeExpired();
    expect((await readOnce(otherReviewer, set.id)).status).toBe(404);
    expect((await readOnce(reviewer, set.id)).status).toBe(404);
  });

  /**
   * A day after its expiry no second review is at stake any more: a counselor who does not hold the
   * person's caseload gets 404, as for a missing set, whoever recorded the expiry; the person's
   * counselor keeps reading it.
   */
  describe('read a day after its expiry', () => {
    async function secondReviewQueueIds(token: string): Promise<string[]> {
      const res = await t.http.get('/v1/recommendations?queue=second_review').auth(token, { type: 'bearer' });
      expect(res.status).toBe(200);
      return res.body.items.map((item: { id: string }) => item.id);
    }

    it('answers 404 to a second reviewer candidate a day after its expiry, recorded by the retention job', async () => {
      const { setId } = await handOnAndLetExpire();
      await t.container.retention.purgeExpired();
      clock.advance(25 * HOUR);
      const read = await t.http.get(`/v1/recommendations/${setId}`).auth(reviewer, { type: 'bearer' });
      expect(read.status).toBe(404);
      expect(read.body.detail).toMatch(/was not found among the sets you may see/);
      expect((await readOnce(otherReviewer, setId)).status).toBe(404);
    });

    it('answers 404 to a second reviewer candidate a day after its expiry, recorded by their own read', async () => {
      const { setId } = await handOnAndLetExpire();
      clock.advance(25 * HOUR);
      expect((await readOnce(otherReviewer, setId)).status).toBe(404);
      expect((await readOnce(reviewer, setId)).status).toBe(404);
    });

    it("keeps showing the set to the person's counselor a day after its expiry", async () => {
      const { setId } = await handOnAndLetExpire();
      await t.container.retention.purgeExpired();
      clock.advance(25 * HOUR);
      expect(await readOnce(counselor, setId)).toMatchObject({ status: 200, setStatus: 'expired' });
    });

    it('leaves the set out of the second review queue, within the day and after it', async () => {
      const { setId } = await handOnAndLetExpire();
      expect(await secondReviewQueueIds(otherReviewer)).not.toContain(setId);
      clock.advance(25 * HOUR);
      expect(await secondReviewQueueIds(otherReviewer)).not.toContain(setId);
    });
  });
});
