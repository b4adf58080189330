import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { aClock, syncSeeker } from '../support/workflow.ts';

/**
 * RFC 3339 date-times may carry any number of fractional digits, and the contract takes them
 * (`format: date-time`). The log keeps milliseconds. `from` is inclusive and `to` exclusive.
 */
describe('period bounds finer than a millisecond', () => {
  let t: TestApp;
  let auditor: string;
  const get = (path: string) =>
    t.http.get(path).auth(auditor, { type: 'bearer' }).set('X-Audit-Purpose', 'contrôle des bornes');

  beforeAll(async () => {
    // Every event of the sync is logged at 2026-10-01T08:00:00.000Z.
    t = await startTestApp({ now: aClock().now });
    auditor = await t.tokenFor('auditor', 'dpo-1');
    await syncSeeker(t, 'js-1');
  });
  afterAll(() => t.close());

  it('gives an event logged before `to` when `to` lies half a millisecond after it', async () => {
    const res = await get('/v1/audit/events?type=job_seeker.upserted&to=2026-10-01T08:00:00.0005Z');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
  });

  it('leaves out an event logged before `from` when `from` lies half a millisecond after it', async () => {
    const res = await get('/v1/audit/events?type=job_seeker.upserted&from=2026-10-01T08:00:00.0005Z');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(0);
  });

  it('answers an empty list for a period shorter than a millisecond, which ends after it starts', async () => {
    const res = await get('/v1/audit/events?from=2026-10-01T08:00:00.0001Z&to=2026-10-01T08:00:00.0009Z');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(0);
  });

  it('gives the figures of a period shorter than a millisecond as covering nothing', async () => {
    const res = await get(
      '/v1/audit/stats/usage?from=2026-10-01T08:00:00.0001Z&to=2026-10-01T08:00:00.0009Z',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2026-10-01T08:00:00.001Z', to: '2026-10-01T08:00:00.001Z' });
  });

  it('still refuses a period that ends where it starts, told apart past the millisecond', async () => {
    const res = await get('/v1/audit/events?from=2026-10-01T08:00:00.0009Z&to=2026-10-01T08:00:00.0001Z');
    expect(res.status).toBe(422);
    expect(res.body.detail).toContain('the period must end after it starts');
  });
});
