import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * The validator reads a query number written with an exponent past the range of numbers (`1e309`) or
 * with hundreds of digits as Infinity, and lets it through the contract's `maximum`. A listing's
 * `limit` of Infinity was a 500 (the audit query's record cannot hold it) or a 422 the contract does
 * not declare; it is refused with 400 naming the parameter, before any work is done.
 */
describe('a query number too large to read', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.tokenFor(['admin', 'counselor', 'auditor'], 'ops-1');
  });
  afterAll(() => t.close());

  const huge = ['1e309', '9'.repeat(400), '-1e309'];

  it.each([
    ['/v1/courses', 'limit'],
    ['/v1/courses', 'withinKm'],
    ['/v1/recommendations', 'limit'],
    ['/v1/audit/events', 'limit'],
    ['/v1/audit/checkpoints', 'limit'],
    ['/v1/audit/checkpoints', 'toSeq'],
    ['/v1/audit/incidents', 'limit'],
    ['/v1/audit/verify', 'fromSeq'],
    ['/v1/audit/stats/oversight', 'fastDecisionSeconds'],
  ])('is refused on %s?%s with 400 naming the parameter, and no query is logged', async (path, name) => {
    const events = await t.container.db('decision_events').count({ n: '*' }).first();
    for (const value of huge) {
      const query = name === 'withinKm' ? `near=45.7,4.8&withinKm=${value}` : `${name}=${value}`;
      const res = await t.http
        .get(`${path}?${query}`)
        .auth(token, { type: 'bearer' })
        .set('X-Audit-Purpose', 'quarterly oversight review');
      expect(res.status, `${value}: ${res.text}`).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors).toContainEqual({
        path: `/query/${name}`,
        message: expect.stringMatching(/too large/),
      });
    }
    expect(await t.container.db('decision_events').count({ n: '*' }).first()).toEqual(events);
  });
});
