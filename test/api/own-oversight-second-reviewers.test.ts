import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  approveAfterReading,
  aWorkflowSeeker,
  createSet,
  decideAll,
  putSettings,
  syncSeeker,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const PATH = '/v1/counselor/stats/oversight';

/**
 * A row of all counselors together holds two kinds of figures made by different counselors: those of
 * the sets, their requesters', and those of the second reviews, their reviewers'. Each kind is given
 * only when it rests on enough counselors: counted together, a week whose sets are one counselor's
 * and whose second reviews two others gave would hand that counselor's figures to either reviewer.
 */
describe("all counselors' oversight figures together, beside a counselor's own", () => {
  let t: TestApp;
  let requester: string;
  let reviewer: string;
  let thirdReviewer: string;

  beforeAll(async () => {
    ({ t, counselor: requester, otherCounselor: reviewer } = await startWorkflowApp());
    thirdReviewer = await t.tokenFor('counselor', 'c-003');
    await putSettings(t, { secondReviewRate: 1 });
    await syncSeeker(t, 'js-4', aWorkflowSeeker());
    // c-001 makes both sets; c-002 gives the second review of one, c-003 of the other.
    for (const [seekerId, secondReviewer] of [
      ['js-1', reviewer],
      ['js-4', thirdReviewer],
    ] as const) {
      const { set } = await createSet(t, requester, seekerId, { limit: 2 });
      const { etag } = await decideAll(t, requester, set.id, { approve: 1 });
      expect((await act(t, requester, set.id, 'publish', etag)).status).toBe(200);
      expect((await approveAfterReading(t, secondReviewer, set.id)).status).toBe(200);
    }
  });
  afterAll(() => t.close());

  it("gives a second reviewer no row of all counselors together whose sets are one counselor's", async () => {
    const res = await t.http
      .get(PATH)
      .query({ includeAllCounselors: 'true' })
      .auth(reviewer, { type: 'bearer' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // The caller's own row: their second review, and no set.
    expect(res.body.rows).toEqual([expect.objectContaining({ sets: 0, secondReviewApprovals: 1 })]);
    // Three counselors have a row that week, but its sets, decisions and times would be c-001's alone.
    expect(res.body.allCounselors.rows).toEqual([]);
  });

  it('gives no row of all counselors together whose second reviews fewer than three counselors gave', async () => {
    // c-002 and c-003 make a set each, published with no second review: the week's sets are three
    // counselors', its second reviews still two's (c-002's and c-003's).
    await putSettings(t, { secondReviewRate: 0 });
    for (const [seekerId, counselorId, token] of [
      ['js-2', 'c-002', reviewer],
      ['js-3', 'c-003', thirdReviewer],
    ] as const) {
      await syncSeeker(t, seekerId, aWorkflowSeeker({ counselorId }));
      const { set } = await createSet(t, token, seekerId, { limit: 2 });
      const { etag } = await decideAll(t, token, set.id, { approve: 1 });
      expect((await act(t, token, set.id, 'publish', etag)).status).toBe(200);
    }
    const res = await t.http
      .get(PATH)
      .query({ includeAllCounselors: 'true' })
      .auth(reviewer, { type: 'bearer' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.rows).toEqual([expect.objectContaining({ sets: 1, secondReviewApprovals: 1 })]);
    // Its second reviews less the caller's would be c-003's alone.
    expect(res.body.allCounselors.rows).toEqual([]);
  });
});
