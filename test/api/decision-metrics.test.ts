import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listUnservedSelectors, readAlertRules } from '../support/alert-rules.ts';
import { scrapeMetrics } from '../support/metrics.ts';
import type { TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';
import {
  act,
  createSet,
  decide,
  putSettings,
  readSet,
  requestManualSet,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/** The value of one series of the exposition text, 0 when it is not there yet. */
function readSeries(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('the decision figures of /metrics', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp({ env: { AUDIT_MIN_PEOPLE: '1' } }));
  });
  afterAll(() => t.close());

  it('serves every decision series and the count of 5xx at 0 from the start, so that an alert sees the first one', async () => {
    const text = await scrapeMetrics(t);
    for (const decision of ['approved', 'rejected', 'course_unavailable']) {
      for (const source of ['model', 'counselor']) {
        for (const opened of ['true', 'false']) {
          expect(text).toContain(
            `aiguillage_item_decisions_total{decision="${decision}",source="${source}",opened="${opened}"} 0\n`,
          );
        }
      }
    }
    expect(text).toContain('aiguillage_item_decision_seconds_count{decision="approved"} 0\n');
    for (const fast of ['true', 'false']) {
      expect(text).toContain(`aiguillage_item_decision_timed_approvals_total{fast="${fast}"} 0\n`);
    }
    expect(text).toMatch(/^aiguillage_http_server_errors_total 0$/m);
  });

  it('serves the sensitive-term warnings of every field warned about at 0 from the start', async () => {
    const text = await scrapeMetrics(t);
    const series = text
      .split('\n')
      .filter((line) => line.startsWith('aiguillage_sensitive_term_warnings_total{'));
    expect(series).toEqual(
      ['comment', 'reason', 'message'].map(
        (field) => `aiguillage_sensitive_term_warnings_total{field="${field}"} 0`,
      ),
    );
  });

  it('counts each decision on an item by decision and source, timed since the previous act on its set as the oversight figures time it', async () => {
    const { set } = await createSet(t, counselor, 'js-1');
    const opened = await readSet(t, counselor, set.id);
    const [first, second] = opened.set.items;
    if (first === undefined || second === undefined) throw new Error('the set needs two items');
    clock.advance(4_000);
    const approved = await decide(t, counselor, set.id, first.itemId, opened.etag, { decision: 'approve' });
    expect(approved.status).toBe(200);
    clock.advance(21_000);
    const rejected = await decide(t, counselor, set.id, second.itemId, String(approved.headers.etag), {
      decision: 'reject',
      reasonCode: 'not_matching_project',
      // A comment that draws a sensitive-term warning, which an alert rule counts too.
      comment: 'Elle parle d’un problème de santé',
      acknowledgeSensitiveTerms: true,
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body.warnings).toEqual([
      expect.objectContaining({ code: 'sensitive_term', field: 'comment' }),
    ]);
    clock.advance(3_000);
    const added = await act(t, counselor, set.id, 'items', String(rejected.headers.etag), {
      courseId: 'PARIS-AS',
      reason: 'La personne déménage à Paris le mois prochain',
    });
    expect(added.status).toBe(201);

    const text = await scrapeMetrics(t);
    expect(
      readSeries(text, 'aiguillage_item_decisions_total{decision="approved",source="model",opened="true"}'),
    ).toBe(1);
    expect(
      readSeries(text, 'aiguillage_item_decisions_total{decision="rejected",source="model",opened="true"}'),
    ).toBe(1);
    expect(
      readSeries(
        text,
        'aiguillage_item_decisions_total{decision="approved",source="counselor",opened="true"}',
      ),
    ).toBe(1);
    // 4 s after the opening; 21 s after the first decision (not 25 after the opening). The addition is not timed.
    expect(readSeries(text, 'aiguillage_item_decision_seconds_bucket{le="5",decision="approved"}')).toBe(1);
    expect(readSeries(text, 'aiguillage_item_decision_seconds_bucket{le="20",decision="rejected"}')).toBe(0);
    expect(readSeries(text, 'aiguillage_item_decision_seconds_bucket{le="30",decision="rejected"}')).toBe(1);
    expect(readSeries(text, 'aiguillage_item_decision_seconds_sum{decision="rejected"}')).toBe(21);

    // The oversight figures time the same decisions alike: one of two fast, a median of 12.5 s.
    const oversight = await t.http
      .get('/v1/audit/stats/oversight')
      .auth(await t.tokenFor('auditor', 'dpo-1'), { type: 'bearer' })
      .set('X-Audit-Purpose', 'rapprochement des métriques');
    expect(oversight.status).toBe(200);
    expect(oversight.body.rows).toEqual([
      expect.objectContaining({ timedDecisions: 2, fastDecisionShare: 0.5, medianDecisionSeconds: 12.5 }),
    ]);
  });

  it('counts a decision in a set its counselor never opened as unopened, timed from the set’s creation', async () => {
    const before = await scrapeMetrics(t);
    const { set, etag } = await createSet(t, counselor, 'js-1');
    const [item] = set.items;
    if (item === undefined) throw new Error('the set needs an item');
    clock.advance(1_000);
    // Decided with the creation's ETag, the set never read.
    const res = await decide(t, counselor, set.id, item.itemId, etag, { decision: 'approve' });
    expect(res.status).toBe(200);

    const after = await scrapeMetrics(t);
    const unopened = 'aiguillage_item_decisions_total{decision="approved",source="model",opened="false"}';
    expect(readSeries(after, unopened) - readSeries(before, unopened)).toBe(1);
    const fast = 'aiguillage_item_decision_seconds_bucket{le="2",decision="approved"}';
    expect(readSeries(after, fast) - readSeries(before, fast)).toBe(1);
  });

  it('counts the courses added to a set made by hand as opened: it holds nothing of the model’s to read', async () => {
    await putSettings(t, { aiEnabled: false });
    const before = await scrapeMetrics(t);
    const created = await requestManualSet(t, counselor, 'js-1');
    expect(created.status).toBe(201);
    // Filled straight from the creation's answer, as the manual path goes: nothing to open first.
    const added = await act(t, counselor, created.body.id, 'items', String(created.headers.etag), {
      courseId: 'LYON-AS-1',
      reason: 'Formation choisie avec la personne en entretien',
    });
    expect(added.status).toBe(201);
    await putSettings(t, { aiEnabled: true });

    const after = await scrapeMetrics(t);
    const series = (opened: string) =>
      `aiguillage_item_decisions_total{decision="approved",source="counselor",opened="${opened}"}`;
    expect(readSeries(after, series('false')) - readSeries(before, series('false'))).toBe(0);
    expect(readSeries(after, series('true')) - readSeries(before, series('true'))).toBe(1);
  });

  it('counts a decision of exactly fastDecisionSeconds as fast, in the histogram and in the oversight figures alike', async () => {
    clock.advance(60_000);
    const since = clock.now().toISOString();
    const before = await scrapeMetrics(t);
    const { set } = await createSet(t, counselor, 'js-1');
    const opened = await readSet(t, counselor, set.id);
    const [item] = opened.set.items;
    if (item === undefined) throw new Error('the set needs an item');
    // 10 s: the default setting, and a bucket of the histogram.
    clock.advance(10_000);
    const res = await decide(t, counselor, set.id, item.itemId, opened.etag, { decision: 'approve' });
    expect(res.status).toBe(200);

    const after = await scrapeMetrics(t);
    const atMostTen = 'aiguillage_item_decision_seconds_bucket{le="10",decision="approved"}';
    expect(readSeries(after, atMostTen) - readSeries(before, atMostTen)).toBe(1);
    const oversight = await t.http
      .get(`/v1/audit/stats/oversight?from=${encodeURIComponent(since)}`)
      .auth(await t.tokenFor('auditor', 'dpo-1'), { type: 'bearer' })
      .set('X-Audit-Purpose', 'rapprochement des métriques');
    expect(oversight.status).toBe(200);
    expect(oversight.body.fastDecisionSeconds).toBe(10);
    expect(oversight.body.rows).toEqual([
      expect.objectContaining({ timedDecisions: 1, medianDecisionSeconds: 10, fastDecisionShare: 1 }),
    ]);
  });

  /** Approves the first item of a new set `seconds` after opening it; the series of fast and of timed approvals before and after. */
  async function approveAfter(seconds: number): Promise<{ fast: number; timed: number }> {
    clock.advance(60_000);
    const before = await scrapeMetrics(t);
    const { set } = await createSet(t, counselor, 'js-1');
    const opened = await readSet(t, counselor, set.id);
    const [item] = opened.set.items;
    if (item === undefined) throw new Error('the set needs an item');
    clock.advance(seconds * 1000);
    const res = await decide(t, counselor, set.id, item.itemId, opened.etag, { decision: 'approve' });
    expect(res.status).toBe(200);
    const after = await scrapeMetrics(t);
    const delta = (series: string) => readSeries(after, series) - readSeries(before, series);
    return {
      fast: delta('aiguillage_item_decision_timed_approvals_total{fast="true"}'),
      timed:
        delta('aiguillage_item_decision_timed_approvals_total{fast="true"}') +
        delta('aiguillage_item_decision_timed_approvals_total{fast="false"}'),
    };
  }

  it('counts an approval slower than 10 s but within fastDecisionSeconds=30 as fast on /metrics, as the oversight figures do', async () => {
    await putSettings(t, { fastDecisionSeconds: 30 });
    try {
      expect(await approveAfter(25)).toEqual({ fast: 1, timed: 1 });
    } finally {
      await putSettings(t, {});
    }
  });

  it('counts an approval slower than fastDecisionSeconds as timed but not fast', async () => {
    expect(await approveAfter(11)).toEqual({ fast: 0, timed: 1 });
  });

  it('judges an approval against the fastDecisionSeconds in force when it was made, whatever the setting is when /metrics is read', async () => {
    const before = await scrapeMetrics(t);
    expect(await approveAfter(25)).toEqual({ fast: 0, timed: 1 });
    await putSettings(t, { fastDecisionSeconds: 30 });
    const after = await scrapeMetrics(t);
    await putSettings(t, {});
    const fast = 'aiguillage_item_decision_timed_approvals_total{fast="true"}';
    expect(readSeries(after, fast) - readSeries(before, fast)).toBe(0);
  });

  it('times a decision made after a reorder of the approved items from the reorder, as from any other act on the set', async () => {
    clock.advance(60_000);
    const before = await scrapeMetrics(t);
    const { set } = await createSet(t, counselor, 'js-1');
    const opened = await readSet(t, counselor, set.id);
    const [first, second, third] = opened.set.items;
    if (first === undefined || second === undefined || third === undefined) {
      throw new Error('the set needs three items');
    }
    clock.advance(30_000);
    const one = await decide(t, counselor, set.id, first.itemId, opened.etag, { decision: 'approve' });
    clock.advance(30_000);
    const two = await decide(t, counselor, set.id, second.itemId, String(one.headers.etag), {
      decision: 'approve',
    });
    // A minute spent putting the approved items in order, then the third approved 3 s after.
    clock.advance(60_000);
    const ordered = await t.http
      .put(`/v1/recommendations/${set.id}/order`)
      .auth(counselor, { type: 'bearer' })
      .set('If-Match', String(two.headers.etag))
      .send({ itemIds: [second.itemId, first.itemId] });
    expect(ordered.status).toBe(200);
    clock.advance(3_000);
    const three = await decide(t, counselor, set.id, third.itemId, String(ordered.headers.etag), {
      decision: 'approve',
    });
    expect(three.status).toBe(200);
    const after = await scrapeMetrics(t);
    const delta = (series: string) => readSeries(after, series) - readSeries(before, series);
    expect(delta('aiguillage_item_decision_seconds_bucket{le="5",decision="approved"}')).toBe(1);
    expect(delta('aiguillage_item_decision_timed_approvals_total{fast="true"}')).toBe(1);
  });

  it('leaves the rejections and the counselor’s own additions out of the timed approvals', async () => {
    clock.advance(60_000);
    const before = await scrapeMetrics(t);
    const { set } = await createSet(t, counselor, 'js-1');
    const opened = await readSet(t, counselor, set.id);
    const [item] = opened.set.items;
    if (item === undefined) throw new Error('the set needs an item');
    clock.advance(2_000);
    const rejected = await decide(t, counselor, set.id, item.itemId, opened.etag, {
      decision: 'reject',
      reasonCode: 'not_matching_project',
    });
    expect(rejected.status).toBe(200);
    clock.advance(2_000);
    const added = await act(t, counselor, set.id, 'items', String(rejected.headers.etag), {
      courseId: 'PARIS-AS',
      reason: 'La personne déménage à Paris le mois prochain',
    });
    expect(added.status).toBe(201);
    const after = await scrapeMetrics(t);
    for (const fast of ['true', 'false']) {
      const series = `aiguillage_item_decision_timed_approvals_total{fast="${fast}"}`;
      expect(readSeries(after, series) - readSeries(before, series)).toBe(0);
    }
  });

  it('counts a decision of unknown time (the clock set back since the set was opened) without timing it', async () => {
    clock.advance(60_000);
    const before = await scrapeMetrics(t);
    const { set } = await createSet(t, counselor, 'js-1');
    const opened = await readSet(t, counselor, set.id);
    const [item] = opened.set.items;
    if (item === undefined) throw new Error('the set needs an item');
    clock.advance(-30_000);
    const res = await decide(t, counselor, set.id, item.itemId, opened.etag, { decision: 'approve' });
    expect(res.status).toBe(200);
    clock.advance(30_000);

    const after = await scrapeMetrics(t);
    const counted = 'aiguillage_item_decisions_total{decision="approved",source="model",opened="true"}';
    expect(readSeries(after, counted) - readSeries(before, counted)).toBe(1);
    const timed = 'aiguillage_item_decision_seconds_count{decision="approved"}';
    expect(readSeries(after, timed) - readSeries(before, timed)).toBe(0);
  });

  it('names no counselor, set or person in the decision figures', async () => {
    const text = await scrapeMetrics(t);
    const decisionLines = text.split('\n').filter((line) => line.startsWith('aiguillage_item_decision'));
    expect(decisionLines.length).toBeGreaterThan(0);
    for (const line of decisionLines) expect(line).not.toMatch(/c-001|js-1|[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it('reads in every alert rule only metrics, labels and label values that /metrics serves', async () => {
    const text = await scrapeMetrics(t);
    const rules = await readAlertRules();
    expect(rules.length).toBeGreaterThan(0);
    // The data folder's disk is SQLite's only: on PostgreSQL the database server's disk is watched there.
    // The oldest unreported incident and the drift levels are served once an incident is recorded and a
    // drift check has run: their rules are read against what is then served in
    // test/api/unreported-incidents-metrics.test.ts and test/api/drift-metrics.test.ts.
    const skip = [
      'aiguillage_oldest_unreported_incident_timestamp_seconds',
      'aiguillage_model_drift_level',
      ...(TEST_ENGINE === 'sqlite' ? [] : ['aiguillage_data_dir_free_bytes']),
    ];
    for (const rule of rules) {
      expect(['info', 'warning', 'critical'], rule.alert).toContain(rule.labels.severity);
      expect(rule.expr, rule.alert).toMatch(/aiguillage_/);
      expect(listUnservedSelectors(rule.expr, text, skip), rule.alert).toEqual([]);
    }
  });

  it('finds a rule that reads a metric, a label or a value /metrics does not serve', async () => {
    const text = await scrapeMetrics(t);
    expect(listUnservedSelectors('increase(aiguillage_item_decisions_totl[1d]) > 0', text)).toEqual([
      'aiguillage_item_decisions_totl',
    ]);
    expect(listUnservedSelectors('up == 0 and aiguillage_ai_enabled == 0', text)).toEqual(['up']);
    expect(
      listUnservedSelectors(
        'sum(aiguillage_item_decisions_total{source="modele", decision=~"approved|refused"})',
        text,
      ),
    ).toEqual([
      'aiguillage_item_decisions_total{source="modele"}',
      'aiguillage_item_decisions_total{decision="refused"}',
    ]);
    expect(listUnservedSelectors('aiguillage_model_state{model="ok"} == 0', text)).toEqual([
      'aiguillage_model_state{model}',
    ]);
  });
});
