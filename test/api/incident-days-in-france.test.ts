import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { aClock, newIdempotencyKey } from '../support/workflow.ts';

/**
 * The deadlines of an incident's reports (AI Act Art. 26(5), Art. 73: 15, 10 or 2 days) are periods
 * in days, which EU law counts in calendar days (Regulation 1182/71: from the day after the event to
 * the end of the last day). `daysSinceDetection` counts them in France, where the deployer works: the
 * day of the detection is day 0. Counted in 24-hour spans, an incident found late in the evening read
 * a day short all the next day, up to the deadline's last day, and the day of the spring clock change
 * (23 hours) was no day.
 */
describe('incidents: days since detection counted on the calendar in France', () => {
  // Thursday 19 March 2026, 10:00 in Paris: the log begins here.
  const clock = aClock(new Date('2026-03-19T09:00:00.000Z'));
  let t: TestApp;
  let admin: string;
  let auditor: string;

  beforeAll(async () => {
    t = await startTestApp({ now: clock.now });
    admin = await t.tokenFor('admin', 'ops-1');
    auditor = await t.tokenFor('auditor', 'dpo-1');
  });
  afterAll(() => t.close());

  const setClock = (instant: string) => clock.advance(Date.parse(instant) - clock.now().getTime());
  /** Records a serious incident detected at `detectedAt`; answers its id. */
  const recordDetectedAt = async (detectedAt: string): Promise<string> => {
    const res = await t.http
      .post('/v1/audit/incidents')
      .auth(admin, { type: 'bearer' })
      .set('Idempotency-Key', newIdempotencyKey())
      .send({ summary: 'Suggestions published for cancelled sessions', severity: 'serious', detectedAt });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return String(res.body.incidentId);
  };
  /** The incident's `daysSinceDetection` as the auditors' list gives it now. */
  const daysSinceDetectionOf = async (incidentId: string): Promise<number> => {
    const res = await t.http
      .get('/v1/audit/incidents')
      .query({ limit: 200 })
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'suivi des incidents');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const incident = (res.body.items as Array<{ incidentId: string; daysSinceDetection: number }>).find(
      (item) => item.incidentId === incidentId,
    );
    if (incident === undefined) throw new Error(`incident ${incidentId} not listed`);
    return incident.daysSinceDetection;
  };

  it('counts the day of the spring clock change as a day, though it lasts 23 hours', async () => {
    // Saturday 28 March 2026, noon in Paris (UTC+1).
    setClock('2026-03-28T11:00:00.000Z');
    const incidentId = await recordDetectedAt('2026-03-28T12:00:00+01:00');
    expect(await daysSinceDetectionOf(incidentId)).toBe(0);
    // Sunday 29 March, 12:30 in Paris (UTC+2 since 2 a.m.): 23 hours and a half later.
    setClock('2026-03-29T10:30:00.000Z');
    expect(await daysSinceDetectionOf(incidentId)).toBe(1);
  });

  it('says day 15, the last day of a 15-day deadline, all of that day for an incident found late in the evening', async () => {
    // Tuesday 1 December 2026, 23:30 in Paris.
    setClock('2026-12-01T22:30:00.000Z');
    const incidentId = await recordDetectedAt('2026-12-01T23:30:00+01:00');
    // Wednesday 2 December, 00:10 in Paris: the next day, 40 minutes later.
    setClock('2026-12-01T23:10:00.000Z');
    expect(await daysSinceDetectionOf(incidentId)).toBe(1);
    // Wednesday 16 December, 10:00 in Paris: the report to the authority is due by tonight.
    setClock('2026-12-16T09:00:00.000Z');
    expect(await daysSinceDetectionOf(incidentId)).toBe(15);
  });

  it('counts across the new year from a detection written in UTC on the day before in France', async () => {
    // 31 December 2026, 23:30 UTC: 1 January 2027, 00:30 in Paris.
    setClock('2026-12-31T23:30:00.000Z');
    const incidentId = await recordDetectedAt('2026-12-31T23:30:00Z');
    // 1 January, 23:50 in Paris: still the day of the detection.
    setClock('2027-01-01T22:50:00.000Z');
    expect(await daysSinceDetectionOf(incidentId)).toBe(0);
    // 2 January, 00:10 in Paris.
    setClock('2027-01-01T23:10:00.000Z');
    expect(await daysSinceDetectionOf(incidentId)).toBe(1);
  });
});
