import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { act, createSet, readSet, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A counselor who tries on a set still pending review what only another state allows (a retraction,
 * a second review, a shortlist) is told what the set awaits from them: deciding its items, then
 * publishing it, or discarding it.
 */
describe('an action a set pending review refuses', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  async function pendingSet(seekerId: string): Promise<{ setId: string; etag: string }> {
    await syncSeeker(t, seekerId);
    const { set } = await createSet(t, counselor, seekerId);
    const { etag } = await readSet(t, counselor, set.id);
    return { setId: set.id, etag };
  }

  it('tells a counselor retracting it that it is not published, and that discarding it is the way to drop it', async () => {
    const { setId, etag } = await pendingSet('js-pending-retract');
    const res = await act(t, counselor, setId, 'retract', etag, { reason: 'Plus d’actualité.' });
    expect(res.status).toBe(409);
    expect(res.body.setStatus).toBe('pending_review');
    expect(res.body.detail).toContain('not published');
    expect(res.body.detail).toContain(`POST /v1/recommendations/${setId}/discard`);
  });

  it('tells its counselor asking for its second review that it was not handed on for one, and to decide its items and publish it', async () => {
    const { setId, etag } = await pendingSet('js-pending-second');
    const res = await act(t, counselor, setId, 'second-review', etag, {
      decision: 'return',
      comment: 'À revoir',
    });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('was not handed on for a second review');
    expect(res.body.detail).not.toContain('not published');
    expect(res.body.detail).toContain(`POST /v1/recommendations/${setId}/items/{itemId}/decision`);
    expect(res.body.detail).toContain(`POST /v1/recommendations/${setId}/publish`);
  });

  it('tells a counselor sending a shortlist for it that its model’s items are shown already, and to review them and publish it', async () => {
    const { setId, etag } = await pendingSet('js-pending-shortlist');
    const res = await act(t, counselor, setId, 'shortlist', etag, { courseIds: [] });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain("shows its model's items already");
    expect(res.body.detail).not.toContain('not published');
    expect(res.body.detail).toContain(`POST /v1/recommendations/${setId}/publish`);
  });
});
