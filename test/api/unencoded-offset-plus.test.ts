import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * A `+` in a query string is a space once decoded, so a period bound written with a `+` offset and
 * not percent-encoded reaches the API as `…T09:30:00 01:00`. Told only that it "must be a date and
 * time with its offset", the caller who wrote one would not see what to change.
 */
describe('a period bound whose + offset was sent unencoded', () => {
  let t: TestApp;
  let auditor: string;
  const get = (path: string) =>
    t.http.get(path).auth(auditor, { type: 'bearer' }).set('X-Audit-Purpose', 'contrôle des bornes');

  beforeAll(async () => {
    t = await startTestApp();
    auditor = await t.tokenFor('auditor', 'dpo-1');
  });
  afterAll(() => t.close());

  it('is refused saying that its + was read as a space and must be written %2B', async () => {
    const res = await get('/v1/audit/events?from=2026-12-07T04:37:25.442+01:00');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([
      {
        path: '/query/from',
        message:
          'must be a date and time in RFC 3339 with its offset (2026-12-04T09:30:00Z): the + of its offset ' +
          'reached the server as a space, as a + in a query string does; write it as %2B (2026-12-04T10:30:00%2B01:00)',
      },
    ]);
    expect(res.body.detail).toContain('write it as %2B');
  });

  it('is taken once the + is written %2B', async () => {
    const res = await get('/v1/audit/events?from=2026-12-07T04:37:25.442%2B01:00');
    expect(res.status).toBe(200);
  });

  it('keeps the usual words for a bound that is no date and time at all', async () => {
    const res = await get('/v1/audit/stats/usage?to=yesterday');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        path: '/query/to',
        message: 'must be a date and time in RFC 3339 with its offset (2026-12-04T09:30:00Z)',
      },
    ]);
  });
});
