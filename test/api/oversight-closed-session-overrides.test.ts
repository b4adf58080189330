import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  approveAfterReading,
  createSet,
  decide,
  putSettings,
  syncSeeker,
  WORKFLOW_CATALOG,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A counselor approves a course whose session the catalog cancelled and hands the set on past the
 * warning; the second reviewer publishes it past the warning again. Each override is logged; the
 * oversight figures now count them, each in the row of whoever made it.
 */
describe('closed-session overrides in the oversight figures read through the API', () => {
  let t: TestApp;
  let counselor: string;
  let reviewer: string;
  let admin: string;

  beforeAll(async () => {
    let otherCounselor: string;
    ({ t, counselor, otherCounselor } = await startWorkflowApp({ env: { AUDIT_MIN_PEOPLE: '1' } }));
    reviewer = otherCounselor;
    admin = await t.tokenFor('admin', 'ops-1');
  });
  afterAll(() => t.close());

  it('counts the approval, the hand-over and the second reviewer’s publication made past the warning', async () => {
    await syncSeeker(t, 'js-closed');
    await putSettings(t, { secondReviewRate: 1 });
    const { set, etag } = await createSet(t, counselor, 'js-closed', { limit: 1 });
    const [item] = set.items;
    if (item === undefined) throw new Error('one item');
    const cancel = await t.http
      .put(`/v1/courses/${item.course.id}`)
      .auth(admin, { type: 'bearer' })
      .send({ ...WORKFLOW_CATALOG[item.course.id], nextSessionStart: null });
    expect(cancel.status).toBe(200);
    const approved = await decide(t, counselor, set.id, item.itemId, etag, { decision: 'approve' });
    expect(approved.status).toBe(200);
    const handed = await act(t, counselor, set.id, 'publish', String(approved.headers.etag), {});
    expect(handed.body.status).toBe('awaiting_second_review');
    const published = await approveAfterReading(t, reviewer, set.id);
    expect(published.body.status).toBe('published');

    const res = await t.http
      .get('/v1/audit/stats/oversight')
      .auth(await t.tokenFor('auditor', 'dpo-1'), { type: 'bearer' })
      .set('X-Audit-Purpose', 'contrôle des avertissements passés outre');
    expect(res.status).toBe(200);
    const overrides = (res.body.rows as Array<{ sets: number; closedSessionOverrides: number }>).map(
      ({ sets, closedSessionOverrides }) => ({ sets, closedSessionOverrides }),
    );
    // The counselor's row (their set) and the second reviewer's (no set of their own).
    expect(overrides).toEqual(
      expect.arrayContaining([
        { sets: 1, closedSessionOverrides: 2 },
        { sets: 0, closedSessionOverrides: 1 },
      ]),
    );
    expect(overrides).toHaveLength(2);
  });
});
