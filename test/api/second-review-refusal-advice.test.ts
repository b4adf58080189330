import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { act, createSet, decide, decideAll, putSettings, readSet } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A set awaiting its second review is refused to its first reviewer's own review, and to a peer's
 * changes of its content: each refusal says what that counselor can do with the set instead, as
 * every refusal of a review action does.
 */
describe('refusals around a set awaiting its second review', () => {
  let t: TestApp;
  let counselor: string;
  let peer: string;

  beforeAll(async () => {
    ({ t, counselor, otherCounselor: peer } = await startWorkflowApp());
    await putSettings(t, { secondReviewRate: 1 });
  });
  afterAll(() => t.close());

  async function handOn(): Promise<{ setId: string; etag: string; itemId: string }> {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
    const decided = await decideAll(t, counselor, set.id);
    const handed = await act(t, counselor, set.id, 'publish', decided.etag);
    expect(handed.body.status).toBe('awaiting_second_review');
    return { setId: set.id, etag: String(handed.headers.etag), itemId: decided.set.items[0]?.itemId ?? '' };
  }

  it('tells the first reviewer that another counselor reviews it from their queue, and that they may discard it meanwhile', async () => {
    const { setId, etag } = await handOn();
    const own = await act(t, counselor, setId, 'second-review', etag, { decision: 'approve' });
    expect(own.status).toBe(403);
    expect(own.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(own.body.detail).toMatch(/queue=second_review/);
    expect(own.body.detail).toContain(`POST /v1/recommendations/${setId}/discard`);
  });

  it('tells a peer who tries to change its content that they approve it or return it to its counselor', async () => {
    const { setId, itemId } = await handOn();
    const { etag } = await readSet(t, peer, setId);
    for (const res of [
      await act(t, peer, setId, 'publish', etag),
      await act(t, peer, setId, 'discard', etag, { reason: 'Pas pour elle.' }),
      await decide(t, peer, setId, itemId, etag, { decision: 'reject', reasonCode: 'too_far' }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.type).toMatch(/not-set-counselor$/);
      expect(res.body.detail).toContain(`POST /v1/recommendations/${setId}/second-review`);
    }
  });
});
