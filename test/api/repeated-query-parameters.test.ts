import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * A parameter that takes one value, given twice (`?q=soins&q=aide`, as a form or a client library
 * adding to a URL writes it), is refused saying so: "must be string" told the caller the value's
 * type was wrong when each value was a string.
 */
describe('a query parameter that takes one value, given more than once', () => {
  let t: TestApp;
  let counselor: string;
  let auditor: string;

  beforeAll(async () => {
    t = await startTestApp();
    counselor = await t.tokenFor('counselor', 'c-001');
    auditor = await t.tokenFor('auditor', 'dpo-1');
  });
  afterAll(() => t.close());

  it('is refused with 400 saying how many times it was given, whatever its type', async () => {
    for (const [query, name, times] of [
      ['q=soins&q=aide', 'q', 2],
      ['limit=10&limit=', 'limit', 2],
      ['occupation=J1501&occupation=J1502&occupation=J1503', 'occupation', 3],
      ['funded=true&funded=true', 'funded', 2],
    ] as const) {
      const res = await t.http.get(`/v1/courses?${query}`).auth(counselor, { type: 'bearer' });
      expect(res.status, query).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors, query).toEqual([
        { path: `/query/${name}`, message: `is given ${times} times: give it once` },
      ]);
      expect(res.body.detail).toBe(`query/${name} is given ${times} times: give it once`);
    }
  });

  it('is refused so for an enumerated parameter too, in one error', async () => {
    const res = await t.http
      .get('/v1/audit/events/export?format=csv&format=ndjson')
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'quarterly oversight review');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: '/query/format', message: 'is given 2 times: give it once' }]);
  });

  it('refuses a list written both repeated and comma-separated saying so, not that a status is unknown', async () => {
    const res = await t.http
      .get('/v1/recommendations?status=pending_review&status=published,retracted')
      .auth(counselor, { type: 'bearer' });
    expect(res.status).toBe(400);
    const message =
      'is written both repeated and comma-separated ("published,retracted" among 2 values): write the list one way, each value repeated (status=a&status=b) or all comma-separated (status=a,b)';
    expect(res.body.errors).toEqual([{ path: '/query/status', message }]);
    expect(res.body.detail).toBe(`query/status ${message}`);
  });

  it('still takes a list parameter given more than once', async () => {
    const res = await t.http
      .get('/v1/recommendations?status=pending_review&status=published')
      .auth(counselor, { type: 'bearer' });
    expect(res.status).toBe(200);
  });
});
