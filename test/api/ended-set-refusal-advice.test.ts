import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { act, createAndPublish, createSet, readSet } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const NEW_SET_PATHS =
  /POST \/v1\/job-seekers\/js-1\/recommendations\b.*POST \/v1\/job-seekers\/js-1\/manual-recommendations/;

/**
 * A set discarded (by its counselor, or withdrawn by the application) or retracted can no longer
 * change; the refusal of an action on it said only "the set was discarded", leaving the counselor
 * to guess how to propose courses to the person now. It names the way on, as an expiry's does.
 */
describe('the refusal of an action on a discarded or retracted set', () => {
  let t: TestApp;
  let counselor: string;
  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('tells the counselor of a discarded set how to make a new one for the person', async () => {
    const { set } = await createSet(t, counselor);
    const { etag } = await readSet(t, counselor, set.id);
    const discarded = await act(t, counselor, set.id, 'discard', etag, { reason: 'Doublon de la veille' });
    expect(discarded.status).toBe(200);
    const res = await act(t, counselor, set.id, 'publish', String(discarded.headers.etag));
    expect(res.status).toBe(409);
    expect(res.body.setStatus).toBe('discarded');
    expect(res.body.detail).toMatch(/^cannot publish: the set was discarded; /);
    expect(res.body.detail).toMatch(NEW_SET_PATHS);
  });

  it('tells the counselor of a retracted set how to make a new one for the person', async () => {
    const published = await createAndPublish(t, counselor, 'js-1', { approve: 1 });
    const { etag } = await readSet(t, counselor, published.id);
    const retracted = await act(t, counselor, published.id, 'retract', etag, { reason: 'Erreur de ma part' });
    expect(retracted.status).toBe(200);
    const res = await act(t, counselor, published.id, 'retract', String(retracted.headers.etag), {
      reason: 'Erreur de ma part',
    });
    expect(res.status).toBe(409);
    expect(res.body.setStatus).toBe('retracted');
    expect(res.body.detail).toMatch(NEW_SET_PATHS);
  });
});
