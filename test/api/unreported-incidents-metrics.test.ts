import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listUnservedSelectors, readAlertRules } from '../support/alert-rules.ts';
import { scrapeMetrics } from '../support/metrics.ts';
import type { TestApp } from '../support/test-app.ts';
import { createSet, newIdempotencyKey, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const DAY = 86_400_000;

/**
 * `/metrics` counts the incidents recorded that no notification to the provider or the authority
 * was recorded for, and tells when the oldest was detected (AI Act Art. 26(5), Art. 73): the alert
 * rules watch the deadlines from there (risk R26).
 */
describe('the unreported incidents on /metrics', () => {
  let t: TestApp;
  let clock: TestClock;
  let admin: string;

  beforeAll(async () => {
    const app = await startWorkflowApp();
    ({ t, clock } = app);
    admin = await t.tokenFor('admin', 'ops-1');
    await createSet(t, app.counselor);
    // Incidents are detected after the log's first event.
    clock.advance(30 * DAY);
  });
  afterAll(() => t.close());

  const record = async (severity: string, detectedAt: Date): Promise<string> => {
    const res = await t.http
      .post('/v1/audit/incidents')
      .auth(admin, { type: 'bearer' })
      .set('Idempotency-Key', newIdempotencyKey())
      .send({ summary: 'Courses suggested far outside the mobility radius', severity, detectedAt });
    expect(res.status, res.text).toBe(201);
    return String(res.body.incidentId);
  };
  const notify = async (incidentId: string, recipient: string): Promise<void> => {
    const res = await t.http
      .post(`/v1/audit/incidents/${incidentId}/notifications`)
      .auth(admin, { type: 'bearer' })
      .set('Idempotency-Key', newIdempotencyKey())
      .send({ recipient, notifiedAt: clock.now().toISOString() });
    expect(res.status, res.text).toBe(201);
  };
  /** The series of `metric` as scraped, by their labels. */
  const readSeries = async (metric: string): Promise<Record<string, number>> =>
    Object.fromEntries(
      (await scrapeMetrics(t))
        .split('\n')
        .filter((line) => line.startsWith(`${metric}{`))
        .map((line) => {
          const [labels = '', value = ''] = line.slice(metric.length).split(' ');
          return [labels, Number(value)];
        }),
    );
  const seconds = (instant: Date) => instant.getTime() / 1000;

  it('counts no incident and gives no oldest one before any is recorded', async () => {
    const counts = await readSeries('aiguillage_unreported_incidents');
    expect(Object.keys(counts)).toHaveLength(6);
    expect(Object.values(counts).every((count) => count === 0)).toBe(true);
    expect(await readSeries('aiguillage_oldest_unreported_incident_timestamp_seconds')).toEqual({});
  });

  it('counts per severity and recipient the incidents not reported to it, and when the oldest was detected', async () => {
    const fourDaysAgo = new Date(clock.now().getTime() - 4 * DAY);
    const twoDaysAgo = new Date(clock.now().getTime() - 2 * DAY);
    const yesterday = new Date(clock.now().getTime() - DAY);
    const oldSerious = await record('serious', fourDaysAgo);
    await notify(oldSerious, 'provider');
    await record('serious', twoDaysAgo);
    await record('malfunction', yesterday);
    const nearMiss = await record('near_miss', twoDaysAgo);
    await notify(nearMiss, 'provider');
    await notify(nearMiss, 'authority');

    expect(await readSeries('aiguillage_unreported_incidents')).toEqual({
      '{severity="serious",recipient="provider"}': 1,
      '{severity="serious",recipient="authority"}': 2,
      '{severity="malfunction",recipient="provider"}': 1,
      '{severity="malfunction",recipient="authority"}': 1,
      '{severity="near_miss",recipient="provider"}': 0,
      '{severity="near_miss",recipient="authority"}': 0,
    });
    expect(await readSeries('aiguillage_oldest_unreported_incident_timestamp_seconds')).toEqual({
      '{severity="serious",recipient="provider"}': seconds(twoDaysAgo),
      '{severity="serious",recipient="authority"}': seconds(fourDaysAgo),
      '{severity="malfunction",recipient="provider"}': seconds(yesterday),
      '{severity="malfunction",recipient="authority"}': seconds(yesterday),
    });

    // The oldest reported to the authority too: the next oldest is the one watched.
    await notify(oldSerious, 'authority');
    const oldest = await readSeries('aiguillage_oldest_unreported_incident_timestamp_seconds');
    expect(oldest['{severity="serious",recipient="authority"}']).toBe(seconds(twoDaysAgo));
    expect(
      (await readSeries('aiguillage_unreported_incidents'))['{severity="serious",recipient="authority"}'],
    ).toBe(1);
  });

  it('serves what the incident alert rules read once incidents go unreported', async () => {
    const text = await scrapeMetrics(t);
    const rules = (await readAlertRules()).filter(({ alert }) => /Incident/.test(alert));
    expect(rules.map(({ alert }) => alert)).toEqual([
      'AiguillageSeriousIncidentUnreported',
      'AiguillageIncidentUnreported',
    ]);
    for (const rule of rules) expect(listUnservedSelectors(rule.expr, text), rule.alert).toEqual([]);
  });
});
