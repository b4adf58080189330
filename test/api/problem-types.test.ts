import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  decide,
  decideAll,
  newIdempotencyKey,
  putSettings,
  readSet,
  requestSet,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const PROBLEMS = 'https://aiguillage.example/problems/';

/**
 * The refusals a counselor's tool must react to differently each carry a problem type of their
 * own, beyond the status they share (409 for an expired set and for pending items alike).
 */
describe('problem types a client tells apart', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  const newSet = async (seekerId: string) => {
    await syncSeeker(t, seekerId);
    const res = await requestSet(t, counselor, seekerId, { limit: 2 });
    expect(res.status).toBe(201);
    return readSet(t, counselor, res.body.id);
  };

  it('items-pending when publishing a set with undecided items, naming them', async () => {
    const { set, etag } = await newSet('js-pt-pending');
    const res = await act(t, counselor, set.id, 'publish', etag);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ type: `${PROBLEMS}items-pending`, pendingItemIds: expect.any(Array) });
  });

  it('nothing-approved when publishing a set whose every item was rejected', async () => {
    const { set } = await newSet('js-pt-none');
    const { etag } = await decideAll(t, counselor, set.id, { approve: 0 });
    const res = await act(t, counselor, set.id, 'publish', etag);
    expect(res.status).toBe(409);
    expect(res.body.type).toBe(`${PROBLEMS}nothing-approved`);
  });

  it('course-already-in-set when adding a course the set holds, naming its item', async () => {
    const { set, etag } = await newSet('js-pt-add');
    const [first] = set.items;
    const added = await act(t, counselor, set.id, 'items', etag, {
      courseId: first?.course.id,
      reason: 'Vue avec la personne',
    });
    expect(added.status).toBe(409);
    expect(added.body).toMatchObject({ type: `${PROBLEMS}course-already-in-set`, itemId: first?.itemId });
  });

  it('sensitive-terms when a message to the job seeker needs rephrasing or confirming', async () => {
    const { set } = await newSet('js-pt-message');
    const decided = await decideAll(t, counselor, set.id, { approve: 1 });
    const publish = await act(t, counselor, set.id, 'publish', decided.etag, {
      message: 'Vu son handicap, voici.',
    });
    expect(publish.status).toBe(422);
    expect(publish.body.type).toBe(`${PROBLEMS}sensitive-terms`);
  });

  it('idempotency-key-reused when a key comes back with another request, telling to send that one with a new key', async () => {
    await syncSeeker(t, 'js-pt-key');
    await syncSeeker(t, 'js-pt-key-other');
    const idempotencyKey = newIdempotencyKey();
    expect((await requestSet(t, counselor, 'js-pt-key', { idempotencyKey, limit: 2 })).status).toBe(201);
    const again = await requestSet(t, counselor, 'js-pt-key', { idempotencyKey, limit: 3 });
    // The tool's mistake of the day: the key of one person's request sent with another person's.
    const otherPerson = await requestSet(t, counselor, 'js-pt-key-other', { idempotencyKey, limit: 2 });
    for (const refused of [again, otherPerson]) {
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ type: `${PROBLEMS}idempotency-key-reused`, idempotencyKey });
      expect(refused.body.detail).toBe(
        'this Idempotency-Key was already used for a different request (another operation, target or body), and answers only a retry of that one: send this request with a new key',
      );
    }
  });

  it('ai-switched-off when approving a suggestion while suggestions are off', async () => {
    const { set, etag } = await newSet('js-pt-off');
    await putSettings(t, { aiEnabled: false });
    try {
      const res = await decide(t, counselor, set.id, set.items[0]?.itemId ?? '', etag, {
        decision: 'approve',
      });
      expect(res.status).toBe(409);
      expect(res.body.type).toBe(`${PROBLEMS}ai-switched-off`);
    } finally {
      await putSettings(t, {});
    }
  });

  it('set-expired when acting on a set past its lifetime', async () => {
    const { set, etag } = await newSet('js-pt-expired');
    clock.advance(8 * 24 * 3_600_000);
    const res = await decide(t, counselor, set.id, set.items[0]?.itemId ?? '', etag, { decision: 'approve' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ type: `${PROBLEMS}set-expired`, setStatus: 'expired' });
  });
});
