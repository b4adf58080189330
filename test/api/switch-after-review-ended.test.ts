import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  aWorkflowSeeker,
  createAndPublish,
  createSet,
  decide,
  decideAll,
  putSettings,
  readSet,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;
const PROBLEMS = 'https://aiguillage.example/problems/';

/**
 * The kill switch holds back what the model produced while a set is still under review. A set whose
 * review is over (expired, published) has nothing left to hold: the switch's refusal told the
 * counselor to discard it or wait, and discarding it is refused too.
 */
describe('the kill switch on a set whose review is over', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
  });
  afterAll(async () => {
    await putSettings(t, {});
    await t.close();
  });

  it('tells the counselor publishing an expired set of suggestions that it expired, and where to start again', async () => {
    await syncSeeker(t, 'js-off-expired', aWorkflowSeeker());
    const { set } = await createSet(t, counselor, 'js-off-expired', { limit: 1 });
    await decideAll(t, counselor, set.id);
    clock.advance(169 * HOUR);
    const { etag } = await readSet(t, counselor, set.id);
    await putSettings(t, { aiEnabled: false });
    try {
      const res = await act(t, counselor, set.id, 'publish', etag);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ type: `${PROBLEMS}set-expired`, setStatus: 'expired' });
      expect(res.body.detail).toBe(
        'cannot publish: the set has expired, and suggestions are switched off; start a set by hand (POST /v1/job-seekers/js-off-expired/manual-recommendations)',
      );
      // What the switch's refusal told them to do instead: refused as well.
      expect((await act(t, counselor, set.id, 'discard', etag, { reason: 'trop tard' })).status).toBe(409);
    } finally {
      await putSettings(t, {});
    }
  });

  it('tells the counselor approving an item of a published set that it is published, and how to take it back', async () => {
    await syncSeeker(t, 'js-off-published', aWorkflowSeeker());
    const published = await createAndPublish(t, counselor, 'js-off-published', { approve: 1 });
    const { set, etag } = await readSet(t, counselor, published.id);
    const rejected = set.items.find((item) => item.decision === 'rejected');
    if (rejected === undefined) throw new Error('the set rejected nothing');
    await putSettings(t, { aiEnabled: false });
    try {
      const res = await decide(t, counselor, set.id, rejected.itemId, etag, { decision: 'approve' });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ type: `${PROBLEMS}set-status`, setStatus: 'published' });
      expect(res.body.detail).toBe(
        `cannot decide an item: the set is published and can no longer change; to take it back from the person, retract it (POST /v1/recommendations/${set.id}/retract)`,
      );
    } finally {
      await putSettings(t, {});
    }
  });

  it('still refuses, with the switch, to approve an item of a set under review', async () => {
    await syncSeeker(t, 'js-off-open', aWorkflowSeeker());
    const { set } = await createSet(t, counselor, 'js-off-open', { limit: 1 });
    const { set: opened, etag } = await readSet(t, counselor, set.id);
    await putSettings(t, { aiEnabled: false });
    try {
      const res = await decide(t, counselor, set.id, opened.items[0]?.itemId ?? '', etag, {
        decision: 'approve',
      });
      expect(res.status).toBe(409);
      expect(res.body.type).toBe(`${PROBLEMS}ai-switched-off`);
    } finally {
      await putSettings(t, {});
    }
  });

  it('tells a second reviewer held by the switch that their approval is what is held, and to return the set or wait, not to discard it', async () => {
    await syncSeeker(t, 'js-off-second', aWorkflowSeeker());
    await putSettings(t, { secondReviewRate: 1 });
    try {
      const { set } = await createSet(t, counselor, 'js-off-second', { limit: 1 });
      const { etag } = await decideAll(t, counselor, set.id);
      expect((await act(t, counselor, set.id, 'publish', etag)).body.status).toBe('awaiting_second_review');
      const read = await readSet(t, otherCounselor, set.id);
      await putSettings(t, { secondReviewRate: 1, aiEnabled: false });
      const res = await act(t, otherCounselor, set.id, 'second-review', read.etag, { decision: 'approve' });
      expect(res.status).toBe(409);
      expect(res.body.type).toBe(`${PROBLEMS}ai-switched-off`);
      expect(res.body.detail).toBe(
        `cannot approve the set in its second review: suggestions are switched off, and a set the model made may not be published meanwhile; return it to its counselor (POST /v1/recommendations/${set.id}/second-review) or wait`,
      );
      // What it names: a return, which the switch does not hold.
      const returned = await act(t, otherCounselor, set.id, 'second-review', read.etag, {
        decision: 'return',
        comment: 'À revoir avant publication.',
      });
      expect(returned.status).toBe(200);
    } finally {
      await putSettings(t, {});
    }
  });
});
