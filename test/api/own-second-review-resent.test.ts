import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { act, createSet, decideAll, putSettings, readSet, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A second reviewer whose approval or return was kept but whose answer was lost (a 503
 * `outcome-unknown`, a timeout, a double click) sends it again: they are told their own act was
 * kept, not that another counselor reviewed the set.
 */
describe('a second reviewer sending their own review again', () => {
  let t: TestApp;
  let counselor: string;
  let reviewer: string;

  beforeAll(async () => {
    ({ t, counselor, otherCounselor: reviewer } = await startWorkflowApp());
    await putSettings(t, { secondReviewRate: 1 });
  });
  afterAll(() => t.close());

  async function handOnAndRead(seekerId: string) {
    await syncSeeker(t, seekerId);
    const { set } = await createSet(t, counselor, seekerId, { limit: 1 });
    const decided = await decideAll(t, counselor, set.id);
    const handed = await act(t, counselor, set.id, 'publish', decided.etag, {
      message: 'Voici mes propositions.',
    });
    expect(handed.body.status).toBe('awaiting_second_review');
    const { etag } = await readSet(t, reviewer, set.id);
    return { setId: set.id, etag };
  }

  it('is told that their own approval was kept (409 second-review-over), not that another counselor reviewed the set', async () => {
    const { setId, etag } = await handOnAndRead('js-resent-approval');
    const approved = await act(t, reviewer, setId, 'second-review', etag, { decision: 'approve' });
    expect(approved.status).toBe(200);

    const resent = await act(t, reviewer, setId, 'second-review', etag, { decision: 'approve' });
    expect(resent.status).toBe(409);
    expect(resent.body.type).toMatch(/second-review-over$/);
    expect(resent.body.detail).toMatch(
      /you approved it yourself in its second review, and your approval was kept/,
    );
    expect(resent.body.detail).not.toMatch(/another counselor reviewed it/);
  });

  it('is told that their own return was kept, with its time', async () => {
    const { setId, etag } = await handOnAndRead('js-resent-return');
    const returned = await act(t, reviewer, setId, 'second-review', etag, {
      decision: 'return',
      comment: 'Vérifier les dates de session.',
    });
    expect(returned.status).toBe(200);
    const at = returned.body.secondReview.returned.at;

    const resent = await act(t, reviewer, setId, 'second-review', etag, {
      decision: 'return',
      comment: 'Vérifier les dates de session.',
    });
    expect(resent.status).toBe(409);
    expect(resent.body.detail).toContain(
      `you returned it yourself to its counselor at ${at}, and your return was kept`,
    );
  });
});
