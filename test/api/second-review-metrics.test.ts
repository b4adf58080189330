import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrapeMetrics } from '../support/metrics.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  createSet,
  decideAll,
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

/**
 * `/metrics` counted and timed the first review (`aiguillage_item_decisions_total`,
 * `aiguillage_item_decision_seconds`) but not the second: a second reviewer approving seconds after
 * reading, set after set, showed nowhere an alert could see it. The second reviews are now counted by
 * decision and by the kind of set (the model's, or made by hand), and timed from the reviewer's own
 * reading, as the oversight figures time them.
 */
describe('the second-review figures of /metrics', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let reviewer: string;

  beforeAll(async () => {
    let otherCounselor: string;
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
    reviewer = otherCounselor;
    await putSettings(t, { secondReviewRate: 1 });
  });
  afterAll(() => t.close());

  it('serves every second-review series at 0 from the start, so that an alert sees the first one', async () => {
    const text = await scrapeMetrics(t);
    for (const decision of ['approve', 'return']) {
      for (const manual of ['true', 'false']) {
        expect(text).toContain(
          `aiguillage_second_reviews_total{decision="${decision}",manual="${manual}"} 0\n`,
        );
      }
      expect(text).toContain(`aiguillage_second_review_seconds_count{decision="${decision}"} 0\n`);
    }
    for (const fast of ['true', 'false']) {
      expect(text).toContain(`aiguillage_second_review_timed_approvals_total{fast="${fast}"} 0\n`);
    }
  });

  async function handOn(): Promise<string> {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
    const decided = await decideAll(t, counselor, set.id);
    const handed = await act(t, counselor, set.id, 'publish', decided.etag);
    expect(handed.body.status).toBe('awaiting_second_review');
    return set.id;
  }

  it('counts and times an approval from the second reviewer’s own reading of the set', async () => {
    const before = await scrapeMetrics(t);
    const setId = await handOn();
    const { etag } = await readSet(t, reviewer, setId);
    clock.advance(4_000);
    const approved = await act(t, reviewer, setId, 'second-review', etag, { decision: 'approve' });
    expect(approved.status).toBe(200);

    const after = await scrapeMetrics(t);
    const delta = (series: string) => readSeries(after, series) - readSeries(before, series);
    expect(delta('aiguillage_second_reviews_total{decision="approve",manual="false"}')).toBe(1);
    expect(delta('aiguillage_second_review_seconds_bucket{le="5",decision="approve"}')).toBe(1);
    expect(delta('aiguillage_second_review_seconds_bucket{le="2",decision="approve"}')).toBe(0);
    expect(delta('aiguillage_second_review_seconds_sum{decision="approve"}')).toBe(4);
  });

  /** Approves a set handed on `seconds` after reading it; the fast and the timed approvals it added. */
  async function approveAfter(seconds: number): Promise<{ fast: number; timed: number }> {
    const before = await scrapeMetrics(t);
    const setId = await handOn();
    const { etag } = await readSet(t, reviewer, setId);
    clock.advance(seconds * 1000);
    const approved = await act(t, reviewer, setId, 'second-review', etag, { decision: 'approve' });
    expect(approved.status).toBe(200);
    const after = await scrapeMetrics(t);
    const delta = (series: string) => readSeries(after, series) - readSeries(before, series);
    const fast = delta('aiguillage_second_review_timed_approvals_total{fast="true"}');
    return { fast, timed: fast + delta('aiguillage_second_review_timed_approvals_total{fast="false"}') };
  }

  it('counts a second-review approval slower than 10 s but within fastDecisionSeconds=30 as fast on /metrics', async () => {
    await putSettings(t, { secondReviewRate: 1, fastDecisionSeconds: 30 });
    try {
      expect(await approveAfter(25)).toEqual({ fast: 1, timed: 1 });
    } finally {
      await putSettings(t, { secondReviewRate: 1 });
    }
  });

  it('counts a second-review approval slower than the fastDecisionSeconds in force as timed but not fast', async () => {
    expect(await approveAfter(25)).toEqual({ fast: 0, timed: 1 });
  });

  it('counts a return made without reading the set, without timing it', async () => {
    const before = await scrapeMetrics(t);
    const setId = await handOn();
    const { etag } = await readSet(t, counselor, setId);
    const returned = await act(t, reviewer, setId, 'second-review', etag, {
      decision: 'return',
      comment: 'Une formation plus proche existe.',
    });
    expect(returned.status).toBe(200);

    const after = await scrapeMetrics(t);
    const delta = (series: string) => readSeries(after, series) - readSeries(before, series);
    expect(delta('aiguillage_second_reviews_total{decision="return",manual="false"}')).toBe(1);
    expect(delta('aiguillage_second_review_seconds_count{decision="return"}')).toBe(0);
    // Discarded, so that js-1's next set is not owed this one's second review by a later test.
    const { etag: again } = await readSet(t, counselor, setId);
    expect(
      (await act(t, counselor, setId, 'discard', again, { reason: 'Projet revu avec la personne' })).status,
    ).toBe(200);
  });

  it('counts the second review of a set made by hand apart from the model’s', async () => {
    await putSettings(t, { aiEnabled: false, secondReviewRate: 1 });
    const before = await scrapeMetrics(t);
    const created = await requestManualSet(t, counselor, 'js-1');
    expect(created.status).toBe(201);
    const added = await act(t, counselor, created.body.id, 'items', String(created.headers.etag), {
      courseId: 'LYON-AS-1',
      reason: 'Formation choisie avec la personne en entretien',
    });
    expect(added.status).toBe(201);
    const handed = await act(t, counselor, created.body.id, 'publish', String(added.headers.etag));
    expect(handed.body.status).toBe('awaiting_second_review');
    const { etag } = await readSet(t, reviewer, created.body.id);
    clock.advance(30_000);
    const approved = await act(t, reviewer, created.body.id, 'second-review', etag, { decision: 'approve' });
    expect(approved.status).toBe(200);
    await putSettings(t, { secondReviewRate: 1 });

    const after = await scrapeMetrics(t);
    const delta = (series: string) => readSeries(after, series) - readSeries(before, series);
    expect(delta('aiguillage_second_reviews_total{decision="approve",manual="true"}')).toBe(1);
    expect(delta('aiguillage_second_reviews_total{decision="approve",manual="false"}')).toBe(0);
    expect(delta('aiguillage_second_review_seconds_bucket{le="30",decision="approve"}')).toBe(1);
    expect(delta('aiguillage_second_review_seconds_bucket{le="20",decision="approve"}')).toBe(0);
  });

  it('names no counselor, set or person in the second-review figures', async () => {
    const text = await scrapeMetrics(t);
    const lines = text.split('\n').filter((line) => line.startsWith('aiguillage_second_review'));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toMatch(/c-00\d|js-1|[0-9a-f]{8}-[0-9a-f]{4}-/);
  });
});
