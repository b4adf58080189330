import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  createAndPublish,
  createSet,
  objectToAi,
  readSet,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;

/**
 * A counselor acting on a set discarded since they read it (in another tab), or by the set's
 * counselor while a colleague looked at it, is told who discarded it and when: the counselor's id as
 * the set names its counselor, never more than the set's read shows.
 */
describe('the refusal of an action on a discarded set', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('names the counselor who discarded the set, as the set names its counselor, and when', async () => {
    const { set } = await createSet(t, counselor);
    const { etag } = await readSet(t, counselor, set.id);
    const discardedAt = clock.now().toISOString();
    const discarded = await act(t, counselor, set.id, 'discard', etag, { reason: 'Doublon de la veille' });
    expect(discarded.status).toBe(200);
    clock.advance(HOUR);

    // The other tab, having read the set again, publishes it.
    const read = await readSet(t, counselor, set.id);
    const res = await act(t, counselor, set.id, 'publish', read.etag);
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'https://aiguillage.example/problems/set-status',
      setStatus: 'discarded',
      discardedBy: 'c-001',
      discardedAt,
    });
    const view = await t.http.get(`/v1/recommendations/${set.id}`).auth(counselor, { type: 'bearer' });
    expect(res.body.discardedBy).toBe(view.body.counselorId);
  });

  it('says no counselor discarded a set the application withdrew, and when it did', async () => {
    await syncSeeker(t, 'js-2');
    const { set } = await createSet(t, counselor, 'js-2');
    const withdrawnAt = clock.now().toISOString();
    await objectToAi(t, 'js-2');
    clock.advance(HOUR);

    const read = await readSet(t, counselor, set.id);
    expect(read.set.status).toBe('discarded');
    const res = await act(t, counselor, set.id, 'publish', read.etag);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ setStatus: 'discarded', discardedBy: null, discardedAt: withdrawnAt });
  });

  it('names no discarder on the refusal of an action on a set in another status', async () => {
    const published = await createAndPublish(t, counselor, 'js-1', { approve: 1 });
    const { etag } = await readSet(t, counselor, published.id);
    const res = await act(t, counselor, published.id, 'publish', etag);
    expect(res.status).toBe(409);
    expect(res.body.setStatus).toBe('published');
    expect(Object.keys(res.body)).not.toContain('discardedBy');
    expect(Object.keys(res.body)).not.toContain('discardedAt');
  });
});
