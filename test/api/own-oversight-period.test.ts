import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { createSet, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const PATH = '/v1/counselor/stats/oversight';
const DAY = 86_400_000;
const WEEK = 7 * DAY;

/**
 * The period of a counselor's own figures is bounded (record 0008): counselors are many and may read
 * them at any time, and each read counts every event of the period.
 */
describe("the period of a counselor's own oversight figures", () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;

  const ago = (ms: number) => new Date(clock.now().getTime() - ms).toISOString();
  const read = (query: Record<string, string> = {}) =>
    t.http.get(PATH).query(query).auth(counselor, { type: 'bearer' });

  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp());
    await createSet(t, counselor, 'js-1', { limit: 3 });
  });
  afterAll(() => t.close());

  it('covers the last four weeks up to now when no start is asked', async () => {
    const res = await read();
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.from).toBe(ago(4 * WEEK));
    expect(res.body.rows).toHaveLength(1);
    expect(res.body.rows[0]).toMatchObject({ sets: 1 });
  });

  it('leaves out, when no start is asked, the sets made more than four weeks before the end', async () => {
    const made = clock.now().getTime();
    clock.advance(5 * WEEK);
    const recent = await read();
    expect(recent.status, JSON.stringify(recent.body)).toBe(200);
    expect(recent.body.from).toBe(ago(4 * WEEK));
    expect(recent.body.rows).toEqual([]);
    // Four weeks before an end asked, and a start asked, reach the set again.
    const endAsked = new Date(made + WEEK).toISOString();
    const beforeEnd = await read({ to: endAsked });
    expect(beforeEnd.body.from).toBe(new Date(made - 3 * WEEK).toISOString());
    expect(beforeEnd.body.rows).toHaveLength(1);
    const asked = await read({ from: new Date(made - DAY).toISOString() });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body.rows).toHaveLength(1);
  });

  it('gives a period of thirteen weeks', async () => {
    const res = await read({ from: '2026-07-02T00:00:00Z', to: '2026-10-01T00:00:00Z' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it('refuses a period longer than thirteen weeks, saying the bound and what to ask instead', async () => {
    const res = await read({ from: '2026-07-01T00:00:00Z', to: '2026-10-01T00:00:00Z' });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.detail).toBe(
      "a counselor's own figures cover at most 13 weeks (91 days) in one read, and this period spans 92 days: " +
        'ask a later `from` or an earlier `to`, or leave `from` out for the last 4 weeks',
    );
    expect(res.body.maxWeeks).toBe(13);
  });

  it('refuses a start more than thirteen weeks before now when no end is asked', async () => {
    const res = await read({ from: ago(13 * WEEK + DAY) });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.detail).toContain('this period spans 92 days up to now');
  });
});
