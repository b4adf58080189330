import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  approveAfterReading,
  createSet,
  decideAll,
  putSettings,
  readSet,
  requestAccessRecord,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const APPROVAL_COMMENT = 'Projet cohérent avec les deux formations retenues.';

describe('the access record and the second reviewer’s read', () => {
  let t: TestApp;
  let counselor: string;
  let otherCounselor: string;
  let setId: string;

  beforeAll(async () => {
    ({ t, counselor, otherCounselor } = await startWorkflowApp());
    await putSettings(t, { secondReviewRate: 1 });
    const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
    setId = set.id;
    const { etag } = await decideAll(t, counselor, set.id, { approve: 1 });
    expect((await act(t, counselor, set.id, 'publish', etag)).status).toBe(200);
    expect((await approveAfterReading(t, otherCounselor, set.id, APPROVAL_COMMENT)).status).toBe(200);
  });
  afterAll(() => t.close());

  it('gives who read the set awaiting its second review, by pseudonym, and when, as it gives the first read', async () => {
    const { set } = await readSet(t, counselor, setId);
    expect(set.secondReview.reads).toHaveLength(1);
    const admin = await t.tokenFor('admin', 'ops-1');
    const res = await requestAccessRecord(t, admin, 'js-1', 'DSAR-2026-0778');
    expect(res.status).toBe(200);
    const stored = (
      res.body.suggestionSets as Array<{ id: string; secondReview: Record<string, unknown> }>
    ).find((s) => s.id === setId);
    const [read] = set.secondReview.reads;
    // By pseudonym, as the second reviewer who approved: staff are not the person's data.
    expect(stored?.secondReview.reads).toEqual([
      { by: stored?.secondReview.reviewer, at: read?.at, round: 1 },
    ]);
    expect(read?.by).toBe('c-002');
    expect(stored?.secondReview.reviewer).not.toBe('c-002');
  });

  it('gives the second reviewer’s approval, by pseudonym, when and with their comment, as it gives a return', async () => {
    const { set } = await readSet(t, counselor, setId);
    const admin = await t.tokenFor('admin', 'ops-1');
    const res = await requestAccessRecord(t, admin, 'js-1', 'DSAR-2026-0779');
    expect(res.status).toBe(200);
    const stored = (
      res.body.suggestionSets as Array<{ id: string; secondReview: Record<string, unknown> }>
    ).find((s) => s.id === setId);
    expect(stored?.secondReview.approved).toEqual({
      by: stored?.secondReview.reviewer,
      at: set.secondReview.approved?.at,
      comment: APPROVAL_COMMENT,
    });
    expect(stored?.secondReview.reviewer).not.toBe('c-002');
  });
});
