import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropAppendOnlyGuards } from '../decision-log/support/tampering.ts';
import { scrapeMetrics } from '../support/metrics.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * A broken chain found by an auditor's `GET /v1/audit/verify` was told to the auditor only: nothing an
 * operator watches showed it. Each verification is now counted by verdict on `/metrics`, which the
 * alert `AiguillageDecisionLogBroken` reads.
 */
describe('the verifications of the decision log on /metrics', () => {
  let t: TestApp;
  let auditor: string;

  beforeAll(async () => {
    t = await startTestApp();
    auditor = await t.tokenFor('auditor', 'dpo-1');
  });
  afterAll(() => t.close());

  const verify = () =>
    t.http
      .get('/v1/audit/verify')
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'monthly integrity check');

  const series = async (result: string): Promise<string | undefined> =>
    (await scrapeMetrics(t))
      .split('\n')
      .find((line) => line.startsWith(`aiguillage_decision_log_verifications_total{result="${result}"} `));

  it('serves both verdicts at 0 from the start, so that an alert sees the first broken one', async () => {
    expect(await series('intact')).toMatch(/ 0$/);
    expect(await series('broken')).toMatch(/ 0$/);
  });

  it('counts an intact verification as intact and one of an edited log as broken', async () => {
    const intact = await verify();
    expect(intact.body).toMatchObject({ ok: true });
    expect(await series('intact')).toMatch(/ 1$/);
    expect(await series('broken')).toMatch(/ 0$/);

    await dropAppendOnlyGuards(t.container.db);
    await t.container.db('decision_events').where({ seq: 1 }).update({ payload: '{"edited":true}' });
    const broken = await verify();
    expect(broken.body).toMatchObject({ ok: false, firstBadSeq: 1 });
    expect(await series('intact')).toMatch(/ 1$/);
    expect(await series('broken')).toMatch(/ 1$/);
  });
});
