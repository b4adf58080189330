import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { act, createSet, decideAll, putSettings, readSet, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;

/**
 * A set whose lifetime passed while it awaited its second review, read by a second reviewer. Their
 * read was answered with the set shown as expired when the read itself recorded the expiry, but 404
 * once the retention job, or any other request, had recorded it: a reviewer reloading the set they
 * were reading was told it did not exist. The read is now answered alike whoever recorded the expiry,
 * as a decision on the set is (409 `set-expired`): the set shown as expired, the read traced.
 */
describe("a second reviewer's read of a set that expired while awaiting their review", () => {
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
    const byRead = await readOnce(reviewer, noticed);

    const swept = await handOnAndLetExpire();
    await t.container.retention.purgeExpired();
    const byJob = await readOnce(reviewer, swept);

    // The reviewer's first read, before the expiry, and this one.
    expect(byRead).toEqual({ status: 200, setStatus: 'expired', allowedActions: [], traces: 2 });
    expect(byJob).toEqual(byRead);
  });

  it('answers a reviewer who had not read the set the same way, whoever recorded the expiry', async () => {
    const noticed = await handOnAndLetExpire();
    const byRead = await readOnce(otherReviewer, noticed);

    const swept = await handOnAndLetExpire();
    await t.container.retention.purgeExpired();
    const byJob = await readOnce(otherReviewer, swept);

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
});
