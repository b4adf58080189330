import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { act, createSet, decideAll, putSettings, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;

/** The operation a refusal's detail sends its reader to, if any. */
const ADVISED_PATH = /POST (\/v1\/job-seekers\/[^/]+\/recommendations)/;

/**
 * A set awaiting a second review whose lifetime passed: the second reviewer's approval is refused
 * (409). A new set for the person is their counselor's to ask for; the second reviewer, who does
 * not hold the person's caseload, must not be sent to an operation that answers them 404.
 */
describe('the refusal of an action on a set that expired while awaiting a second review', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;
  let setId: string;
  let etag: string;
  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
    await putSettings(t, { secondReviewRate: 1, setTtlHours: 1 });
    const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
    setId = set.id;
    const decided = await decideAll(t, counselor, set.id);
    const handed = await act(t, counselor, set.id, 'publish', decided.etag);
    expect(handed.body.status).toBe('awaiting_second_review');
    etag = String(handed.headers.etag);
    clock.advance(2 * HOUR);
  });
  afterAll(() => t.close());

  it("tells the second reviewer a new set is the person's counselor's, naming no operation they cannot use", async () => {
    const refused = await act(t, otherCounselor, setId, 'second-review', etag, { decision: 'approve' });
    expect(refused.status).toBe(409);
    expect(refused.body.setStatus).toBe('expired');
    expect(refused.body.detail).not.toMatch(ADVISED_PATH);
    expect(refused.body.detail).toContain("their counselor's to ask for");
  });

  it("tells the set's counselor to ask for new suggestions, at an operation that answers them", async () => {
    const refused = await act(t, counselor, setId, 'discard', etag, { reason: 'no longer needed' });
    expect(refused.status).toBe(409);
    const advised = ADVISED_PATH.exec(refused.body.detail)?.[1];
    expect(advised).toBe('/v1/job-seekers/js-1/recommendations');
    const followed = await t.http
      .post(String(advised))
      .auth(counselor, { type: 'bearer' })
      .set('Idempotency-Key', crypto.randomUUID())
      .send({});
    expect(followed.status).toBe(201);
  });
});
