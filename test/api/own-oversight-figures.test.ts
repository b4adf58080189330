import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/principal.ts';
import { recordStatements } from '../support/query-plans.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  aWorkflowSeeker,
  createSet,
  decide,
  putSettings,
  readSet,
  type SetBody,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const PATH = '/v1/counselor/stats/oversight';

type Row = Record<string, unknown> & { week: string; modelVersion: string };
interface OwnFigures {
  fastDecisionSeconds: number;
  rows: Row[];
  manualSecondReviews: Row[];
  allCounselors?: { minCounselors: number; rows: Row[]; manualSecondReviews: Row[] };
}

/**
 * A counselor reads their own reliance figures (AI Act Art. 14(4)(b)): the row the auditor's figures
 * give for them, without their pseudonym, and, when asked, all counselors' acts counted together,
 * never another counselor's row.
 */
describe("a counselor's own oversight figures", () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;
  let thirdCounselor: string;

  async function readOwn(token: string, query: Record<string, string> = {}): Promise<OwnFigures> {
    const res = await t.http.get(PATH).query(query).auth(token, { type: 'bearer' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as OwnFigures;
  }

  /**
   * Opens the set, then decides its items in order, `seconds` apart, each taking the ETag the one
   * before answered, and publishes it.
   */
  async function reviewAndPublish(
    token: string,
    created: { set: SetBody; etag: string },
    seconds: number,
    decisions: Array<'approve' | 'reject'>,
    { open }: { open: boolean },
  ): Promise<void> {
    const { set } = created;
    let etag = open ? (await readSet(t, token, set.id)).etag : created.etag;
    for (const [index, decision] of decisions.entries()) {
      const item = set.items[index];
      if (item === undefined) throw new Error(`the set has no item ${index}`);
      clock.advance(seconds * 1000);
      const res = await decide(
        t,
        token,
        set.id,
        item.itemId,
        etag,
        decision === 'approve' ? { decision } : { decision, reasonCode: 'too_far' },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      etag = String(res.headers.etag);
    }
    const published = await act(t, token, set.id, 'publish', etag);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
  }

  async function createThreeItemSet(
    token: string,
    seekerId: string,
  ): Promise<{ set: SetBody; etag: string }> {
    const created = await createSet(t, token, seekerId, { limit: 3 });
    expect(created.set.items).toHaveLength(3);
    return created;
  }

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
    thirdCounselor = await t.tokenFor('counselor', 'c-003');
    await putSettings(t, { fastDecisionSeconds: 10, secondReviewRate: 0 });
    await syncSeeker(t, 'js-2', aWorkflowSeeker({ counselorId: 'c-002' }));
    await syncSeeker(t, 'js-3', aWorkflowSeeker({ counselorId: 'c-003' }));
  });
  afterAll(() => t.close());

  it('gives the counselor their own row of a small known review, without their pseudonym', async () => {
    // c-001 opens the set and takes 30 s over each item: an approval, a rejection, an approval.
    await reviewAndPublish(
      counselor,
      await createThreeItemSet(counselor, 'js-1'),
      30,
      ['approve', 'reject', 'approve'],
      { open: true },
    );

    const figures = await readOwn(counselor);
    expect(figures.fastDecisionSeconds).toBe(10);
    expect(figures.allCounselors).toBeUndefined();
    expect(figures.manualSecondReviews).toEqual([]);
    expect(figures.rows).toHaveLength(1);
    const [row] = figures.rows;
    expect(row).not.toHaveProperty('counselor');
    expect(row).toMatchObject({
      week: '2026-W40',
      sets: 1,
      items: 3,
      decisions: 3,
      approvalRate: 0.6667,
      rejectionRate: 0.3333,
      additions: 0,
      timedDecisions: 3,
      medianDecisionSeconds: 30,
      fastDecisionShare: 0,
      timedApprovals: 2,
      fastApprovalShare: 0,
      reviewedSets: 1,
      openedBeforeFirstDecisionShare: 1,
      blindFirstSets: 0,
      blindFirstOverlap: null,
      publishedItems: 2,
      rejectionReasons: { too_far: 1 },
      secondReviewApprovals: 0,
    });
    // Nothing in the answer names anyone: the caller's pseudonym appears nowhere.
    const pseudonym = t.container.decisionLog.pseudonymiser.pseudonymise('c-001');
    expect(JSON.stringify(figures)).not.toContain(pseudonym);
  });

  it('gives the same figures as the row the auditor reads for the counselor', async () => {
    const pseudonym = t.container.decisionLog.pseudonymiser.pseudonymise('c-001');
    const audited = await t.http
      .get('/v1/audit/stats/oversight')
      .auth(await t.tokenFor('auditor', 'dpo-1'), { type: 'bearer' })
      .set('X-Audit-Purpose', 'contrôle de la supervision humaine');
    expect(audited.status).toBe(200);
    const auditorRow = (audited.body.rows as Array<Row & { counselor: string }>).find(
      (row) => row.counselor === pseudonym,
    );
    expect(auditorRow).toBeDefined();
    const { counselor: _counselor, ...auditorFigures } = auditorRow ?? { counselor: '' };
    expect((await readOwn(counselor)).rows).toEqual([auditorFigures]);
  });

  it("leaves the counselor's figures unchanged by another counselor's fast approvals", async () => {
    const before = await readOwn(counselor);
    // c-002 approves every item of their set straight from the creation's answer, never opening it.
    await reviewAndPublish(
      otherCounselor,
      await createThreeItemSet(otherCounselor, 'js-2'),
      0,
      ['approve', 'approve', 'approve'],
      { open: false },
    );

    const after = await readOwn(counselor);
    expect(after.rows).toEqual(before.rows);
    // The other counselor sees their own acts, and only theirs.
    const theirs = await readOwn(otherCounselor);
    expect(theirs.rows).toHaveLength(1);
    expect(theirs.rows[0]).toMatchObject({
      sets: 1,
      decisions: 3,
      approvalRate: 1,
      medianDecisionSeconds: 0,
      fastApprovalShare: 1,
      openedBeforeFirstDecisionShare: 0,
      rejectionReasons: {},
    });
  });

  it('gives no row of all counselors together while it would rest on fewer than three counselors', async () => {
    const figures = await readOwn(counselor, { includeAllCounselors: 'true' });
    expect(figures.allCounselors).toEqual({ minCounselors: 3, rows: [], manualSecondReviews: [] });
  });

  it('gives all counselors together beside the own row once three counselors are counted, naming none', async () => {
    // c-003 opens the set and approves each item 5 s after the one before.
    await reviewAndPublish(
      thirdCounselor,
      await createThreeItemSet(thirdCounselor, 'js-3'),
      5,
      ['approve', 'approve', 'approve'],
      { open: true },
    );

    const figures = await readOwn(counselor, { includeAllCounselors: 'true' });
    expect(figures.rows).toHaveLength(1);
    expect(figures.rows[0]).toMatchObject({ sets: 1, medianDecisionSeconds: 30, fastApprovalShare: 0 });
    const together = figures.allCounselors?.rows ?? [];
    expect(together).toHaveLength(1);
    expect(together[0]).not.toHaveProperty('counselor');
    // Times 30, 30, 30 (c-001), 0, 0, 0 (c-002), 5, 5, 5 (c-003): 8 approvals of 9, 6 fast of them.
    expect(together[0]).toMatchObject({
      counselors: 3,
      week: '2026-W40',
      sets: 3,
      items: 9,
      decisions: 9,
      approvalRate: 0.8889,
      timedDecisions: 9,
      medianDecisionSeconds: 5,
      fastDecisionShare: 0.6667,
      timedApprovals: 8,
      fastApprovalShare: 0.75,
      reviewedSets: 3,
      openedBeforeFirstDecisionShare: 0.6667,
      publishedItems: 8,
      rejectionReasons: { too_far: 1 },
    });
    for (const id of ['c-001', 'c-002', 'c-003']) {
      expect(JSON.stringify(figures)).not.toContain(t.container.decisionLog.pseudonymiser.pseudonymise(id));
    }
  });

  it('gives no row of all counselors together for a week the period covers only in part', async () => {
    // The three counselors' sets of 2026-W40 were all made on its Thursday: bounds inside the week
    // would let two reads a minute apart give the sets of that minute, one counselor's, alone.
    const whole = await readOwn(counselor, { includeAllCounselors: 'true', from: '2026-09-28T00:00:00Z' });
    expect(whole.allCounselors?.rows).toHaveLength(1);
    for (const query of [
      { from: '2026-10-01T00:00:00Z' },
      { from: '2026-09-28T00:00:00Z', to: '2026-10-01T08:00:30Z' },
    ]) {
      const inPart = await readOwn(counselor, { includeAllCounselors: 'true', ...query });
      expect(inPart.rows).toHaveLength(1);
      expect(inPart.allCounselors?.rows).toEqual([]);
    }
  });

  it('selects the sets by the period asked, as the auditor’s figures do', async () => {
    const later = await readOwn(counselor, { from: '2026-10-05T00:00:00Z' });
    expect(later.rows).toEqual([]);
    const within = await readOwn(counselor, { from: '2026-10-01T00:00:00Z', to: '2026-10-02T00:00:00Z' });
    expect(within.rows).toHaveLength(1);
    // The week counted from the period's start, up to the moment of the read (the week is not over).
    expect(within.rows[0]).toMatchObject({ from: '2026-10-01T00:00:00.000Z', to: clock.now().toISOString() });
  });

  it('refuses a period that ends before it starts, saying what to change', async () => {
    const res = await t.http
      .get(PATH)
      .query({ from: '2026-10-02T00:00:00Z', to: '2026-10-01T00:00:00Z' })
      .auth(counselor, { type: 'bearer' });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.detail).toContain('the period must end after it starts');
  });

  it("reads the log with the auditor's figures' own statements and no other", async () => {
    const { db } = t.container;
    const own = await recordStatements(db, () => readOwn(counselor, { includeAllCounselors: 'true' }));
    const audited = await recordStatements(db, async () => {
      // The period the counselor's read covers when no start is asked: the last four weeks.
      const from = new Date(clock.now().getTime() - 28 * 86_400_000).toISOString();
      const res = await t.http
        .get('/v1/audit/stats/oversight')
        .query({ from })
        .auth(await t.tokenFor('auditor', 'dpo-1'), { type: 'bearer' })
        .set('X-Audit-Purpose', 'contrôle de la supervision humaine');
      expect(res.status).toBe(200);
    });
    const auditorSql = new Set(audited.map((statement) => statement.sql));
    expect(own.length).toBeGreaterThan(0);
    // Their query plans are checked with the auditor's (test/audit/audit-query-plans.test.ts).
    expect(own.map((statement) => statement.sql).filter((sql) => !auditorSql.has(sql))).toEqual([]);
  });

  it('records nothing in the decision log', async () => {
    const before = await t.container.decisionLog.decisionLog.readHead();
    await readOwn(counselor, { includeAllCounselors: 'true' });
    expect(await t.container.decisionLog.decisionLog.readHead()).toEqual(before);
  });

  it.each<Role>(['admin', 'auditor', 'job_seeker', 'integration'])('refuses the %s role', async (role) => {
    const res = await t.http.get(PATH).auth(await t.tokenFor(role, `${role}-1`), { type: 'bearer' });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.detail).toBe('this operation needs one of the roles: counselor');
  });
});
