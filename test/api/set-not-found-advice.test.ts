import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTimeOrderedId } from '../../src/shared/time-ordered-id.ts';
import { withoutInstance } from '../support/problem-body.ts';
import type { TestApp } from '../support/test-app.ts';
import { createSet, decide } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A counselor's tool that follows a stale or mistyped link to a set is told where their own sets
 * are, in words that read the same whether the set is missing or another caseload's.
 */
describe('a set the counselor may not see', () => {
  let t: TestApp;
  let counselor: string;
  let otherCounselor: string;

  beforeAll(async () => {
    ({ t, counselor, otherCounselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  const readAs = (token: string, setId: string) =>
    t.http.get(`/v1/recommendations/${setId}`).auth(token, { type: 'bearer' });

  it('names the queue where the counselor finds their own sets, missing or not theirs alike', async () => {
    const { set } = await createSet(t, counselor);
    const missingId = createTimeOrderedId();
    const missing = await readAs(otherCounselor, missingId);
    const another = await readAs(otherCounselor, set.id);
    for (const res of [missing, another]) {
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toContain('GET /v1/recommendations');
    }
    expect(
      withoutInstance({ ...another.body, detail: another.body.detail.replace(set.id, missingId) }),
    ).toEqual(withoutInstance(missing.body));
  });

  it('sends the counselor to the set for the ids of its items when an item is not in it', async () => {
    const { set, etag } = await createSet(t, counselor);
    const res = await decide(t, counselor, set.id, createTimeOrderedId(), etag, { decision: 'approve' });
    expect(res.status).toBe(404);
    expect(res.body.detail).toContain(`GET /v1/recommendations/${set.id}`);
  });
});
