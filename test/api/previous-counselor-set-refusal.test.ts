import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { act, aWorkflowSeeker, createAndPublish, readSet, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A person moved to another counselor: the new one reads the sets the previous one made, and may
 * retract a published one or reply to its contests, nothing else. The previous counselor no longer
 * sees those sets at all (404), so a refusal saying "only the set's counselor may" sent the new one
 * to a colleague who cannot act either.
 */
describe("the new counselor acting on a previous counselor's set", () => {
  let t: TestApp;
  let counselor: string;
  let newCounselor: string;

  beforeAll(async () => {
    ({ t, counselor, otherCounselor: newCounselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('is told what they may do with it and how to propose courses of their own, not to ask its former counselor', async () => {
    await syncSeeker(t, 'js-moved', aWorkflowSeeker());
    const published = await createAndPublish(t, counselor, 'js-moved', { approve: 1 });
    await syncSeeker(t, 'js-moved', aWorkflowSeeker({ counselorId: 'c-002' }));
    const { etag } = await readSet(t, newCounselor, published.id);

    const res = await act(t, newCounselor, published.id, 'discard', etag, { reason: 'nettoyage' });
    expect(res.status).toBe(403);
    expect(res.body.type).toBe('https://aiguillage.example/problems/not-set-counselor');
    expect(res.body.detail).toBe(
      `cannot discard: the set was made by the person's previous counselor; of its actions you may retract it once published (POST /v1/recommendations/${published.id}/retract) and reply to the person's contests of its courses; to propose courses, make a set of your own for the person (POST /v1/job-seekers/js-moved/recommendations, or /v1/job-seekers/js-moved/manual-recommendations while the model may not be used for them)`,
    );
    // The one the old detail pointed to cannot act on it either: the person left their caseload.
    const former = await act(t, counselor, published.id, 'discard', etag, { reason: 'nettoyage' });
    expect(former.status).toBe(409);
    expect(former.body.type).toBe('https://aiguillage.example/problems/no-longer-on-caseload');
  });
});
