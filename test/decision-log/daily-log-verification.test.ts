import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config.ts';
import { startDailyLogVerification } from '../../src/decision-log/daily-log-verification.ts';
import { captureLogs } from '../support/captured-logs.ts';
import { scrapeMetrics } from '../support/metrics.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { dropAppendOnlyGuards } from './support/tampering.ts';

/**
 * The decision log was verified only when an auditor asked (`GET /v1/audit/verify`, weekly in the
 * monitoring plan): an edited log went unnoticed by operators until then, and a verification that
 * could not be completed (the database failing) was counted nowhere. The service now verifies the
 * whole log itself, daily by default, and counts each verdict on `/metrics`, which the alerts
 * `AiguillageDecisionLogBroken` and `AiguillageDecisionLogUnverified` read.
 */
describe('the daily verification of the decision log', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    const auditor = await t.tokenFor('auditor', 'dpo-1');
    // An auditor's query, logged: the log holds an event to edit.
    await t.http
      .get('/v1/audit/verify')
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'integrity');
  });
  afterAll(() => t.close());

  const series = async (result: string): Promise<number> => {
    const line = (await scrapeMetrics(t))
      .split('\n')
      .find((each) => each.startsWith(`aiguillage_decision_log_verifications_total{result="${result}"} `));
    return Number(line?.split(' ')[1]);
  };

  it('is on by default, every 24 hours, a week at most, and off in tests unless asked', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).audit.verifyEveryHours).toBe(24);
    expect(loadConfig({ NODE_ENV: 'test' }).audit.verifyEveryHours).toBe(0);
    expect(loadConfig({ NODE_ENV: 'test', AUDIT_VERIFY_EVERY_HOURS: '6' }).audit.verifyEveryHours).toBe(6);
    // Past a week a timer would not wait (Node's setTimeout fires at once beyond about 24.8 days).
    expect(() => loadConfig({ AUDIT_VERIFY_EVERY_HOURS: '169' })).toThrow(/AUDIT_VERIFY_EVERY_HOURS.*a week/);
  });

  it('serves the failed verifications at 0 from the start, so that an alert sees the first one', async () => {
    expect(await series('failed')).toBe(0);
  });

  it('finds an edited log broken without anyone asking, counts it and says why in the log', async () => {
    await dropAppendOnlyGuards(t.container.db);
    await t.container.db('decision_events').where({ seq: 1 }).update({ payload: '{"edited":true}' });
    const before = await series('broken');
    const logs = captureLogs();
    const job = startDailyLogVerification(
      t.container.decisionLog.decisionLog,
      t.container.metrics,
      logs.logger,
      {
        intervalMs: 60_000,
        firstCheckAfterMs: 1,
      },
    );
    await vi.waitFor(async () => expect(await series('broken')).toBe(before + 1), { timeout: 5000 });
    await job.stop();
    expect(logs.find('error', /decision log.*broken/)).toEqual([
      expect.objectContaining({ firstBadSeq: 1, reason: expect.any(String) }),
    ]);
  });

  it('counts a verification that could not be completed as failed, and says why', async () => {
    const before = await series('failed');
    const logs = captureLogs();
    const unreachable = {
      verifyRange: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
    };
    const job = startDailyLogVerification(unreachable, t.container.metrics, logs.logger, {
      intervalMs: 60_000,
      firstCheckAfterMs: 1,
    });
    await vi.waitFor(async () => expect(await series('failed')).toBe(before + 1), { timeout: 5000 });
    await job.stop();
    expect(logs.find('error', /decision log.*could not/)).toHaveLength(1);
  });

  it('is watched by a shipped alert for a broken log and one for a verification that failed', async () => {
    const document = parse(await readFile('docs/alert-rules.yml', 'utf8')) as {
      groups: Array<{ rules: Array<{ alert: string; expr: string }> }>;
    };
    const rules = document.groups.flatMap((group) => group.rules);
    const watching = (result: string) =>
      rules
        .filter((rule) =>
          rule.expr.includes(`aiguillage_decision_log_verifications_total{result="${result}"}`),
        )
        .map((rule) => rule.alert);
    expect(watching('broken')).toEqual(['AiguillageDecisionLogBroken']);
    expect(watching('failed')).toEqual(['AiguillageDecisionLogUnverified']);
  });
});
