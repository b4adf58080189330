import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { act, putSettings, readSet, requestManualSet, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * The second review of a set made by hand (the kill switch thrown: the manual path) was counted in
 * no oversight figure: `GET /v1/audit/stats/oversight` read the model's sets only. It is counted now,
 * apart from them, in `manualSecondReviews`.
 */
describe('the oversight figures of the second reviews of sets made by hand', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let reviewer: string;

  beforeAll(async () => {
    let otherCounselor: string;
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp({ env: { AUDIT_MIN_PEOPLE: '1' } }));
    reviewer = otherCounselor;
  });
  afterAll(() => t.close());

  it('counts and times a second reviewer’s approval of a set made by hand, outside the model’s rows', async () => {
    await putSettings(t, { aiEnabled: false, secondReviewRate: 1 });
    const created = await requestManualSet(t, counselor, 'js-1');
    expect(created.status).toBe(201);
    const added = await act(t, counselor, created.body.id, 'items', String(created.headers.etag), {
      courseId: 'LYON-AS-1',
      reason: 'Formation choisie avec la personne en entretien',
    });
    const handed = await act(t, counselor, created.body.id, 'publish', String(added.headers.etag));
    expect(handed.body.status).toBe('awaiting_second_review');
    const { etag } = await readSet(t, reviewer, created.body.id);
    clock.advance(6_000);
    const approved = await act(t, reviewer, created.body.id, 'second-review', etag, { decision: 'approve' });
    expect(approved.status).toBe(200);

    const res = await t.http
      .get('/v1/audit/stats/oversight')
      .auth(await t.tokenFor('auditor', 'dpo-1'), { type: 'bearer' })
      .set('X-Audit-Purpose', 'contrôle de la double relecture');
    expect(res.status).toBe(200);
    expect(res.body.rows).toEqual([]);
    expect(res.body.manualSecondReviews).toEqual([
      {
        counselor: expect.any(String),
        week: '2026-W40',
        from: '2026-09-28T00:00:00.000Z',
        to: clock.now().toISOString(),
        secondReviewApprovals: 1,
        secondReviewReturns: 0,
        timedSecondReviews: 1,
        medianSecondReviewSeconds: 6,
        fastSecondReviewShare: 1,
        timedSecondReviewApprovals: 1,
        fastSecondReviewApprovalShare: 1,
        closedSessionOverrides: 0,
      },
    ]);
  });
});
