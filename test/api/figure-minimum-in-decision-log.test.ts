import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { aClock, createSet, seedCatalogAndSeeker } from '../support/workflow.ts';

const WEEK = 7 * 86_400_000;

/**
 * `AUDIT_MIN_PEOPLE` decides at each read which weeks of the attribution, drift and outcome figures
 * are given: the log keeps it with each read (`audit.queried`) and with each start
 * (`service.started`, with the retention periods), so that a DPO can tell which weeks were given,
 * and when the minimum changed.
 */
describe('the minimum of people a figure was given under, in the decision log', () => {
  const clock = aClock();
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      now: clock.now,
      env: { AUDIT_MIN_PEOPLE: '2', RETENTION_PERSONAL_DAYS: '400', RETENTION_IDEMPOTENCY_HOURS: '48' },
    });
    const counselor = await t.tokenFor('counselor', 'c-001');
    for (const seekerId of ['js-a', 'js-b']) {
      await seedCatalogAndSeeker(t, seekerId);
      await createSet(t, counselor, seekerId);
    }
    clock.advance(WEEK);
  });
  afterAll(() => t.close());

  it('records the minimum applied in the audit.queried of the attribution, drift and outcome reads', async () => {
    const auditor = await t.tokenFor('auditor', 'dpo-1');
    for (const figure of ['attributions', 'drift', 'outcomes']) {
      const res = await t.http
        .get(`/v1/audit/stats/${figure}`)
        .auth(auditor, { type: 'bearer' })
        .set('X-Audit-Purpose', 'revue des explications');
      expect(res.status).toBe(200);
      const [queried] = (
        await t.container.decisionLog.decisionLog.listEvents({ types: ['audit.queried'], limit: 1000 })
      ).slice(-1);
      expect(queried?.payload, figure).toMatchObject({ minPeople: 2 });
    }
  });

  it('records the minimum and the retention periods in force in service.started', async () => {
    const event = await t.container.recordServiceStart();
    expect(event.payload).toMatchObject({
      auditMinPeople: 2,
      retention: { logDays: expect.any(Number), personalDays: 400, idempotencyHours: 48 },
    });
  });
});
