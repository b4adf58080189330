import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCourse, aJobSeeker } from '../support/builders.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { newIdempotencyKey } from '../support/workflow.ts';

const DATE_TIME_WORDS = 'must be a date and time in RFC 3339 with its offset (2026-12-04T09:30:00Z)';
const DATE_WORDS = 'must be a date in RFC 3339 (2026-12-04)';

/**
 * A date written in the right form on a day the calendar lacks (29 February of a common year, 31
 * April) was refused with the words of its form alone, « must be a date in RFC 3339 (2026-12-04) »,
 * which the caller's `2027-02-29` already looks like: they were left to find what was wrong. The
 * refusal now names the day and why it is none, wherever a date or a date and time is taken.
 */
describe('a date on a day the calendar lacks', () => {
  let t: TestApp;
  let admin: string;
  let auditor: string;
  let integration: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.tokenFor('admin', 'ops-1');
    auditor = await t.tokenFor('auditor', 'dpo-1');
    integration = await t.tokenFor('integration', 'svc-crm');
  });
  afterAll(() => t.close());

  it('is refused naming 29 February of a year that is no leap year, in a body date and time', async () => {
    const res = await t.http
      .post('/v1/audit/incidents')
      .auth(admin, { type: 'bearer' })
      .set('Idempotency-Key', newIdempotencyKey())
      .send({
        summary: 'Suggestions published for cancelled sessions',
        severity: 'serious',
        detectedAt: '2026-02-29T10:00:00+01:00',
      });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([
      {
        path: '/body/detectedAt',
        message: `${DATE_TIME_WORDS}: 2026-02-29 is no day of the calendar (2026 is no leap year: its February ends on the 28th)`,
      },
    ]);
  });

  it('is refused naming the days of the month, in a body date', async () => {
    const res = await t.http
      .put('/v1/job-seekers/js-calendar')
      .auth(integration, { type: 'bearer' })
      .send({ ...aJobSeeker(), availableFrom: '2026-09-31' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        path: '/body/availableFrom',
        message: `${DATE_WORDS}: 2026-09-31 is no day of the calendar (September has 30 days)`,
      },
    ]);
    expect(res.body.detail).toContain('September has 30 days');
  });

  it('is refused naming the day, in a query date and a query date and time', async () => {
    const courses = await t.http.get('/v1/courses?startsAfter=2027-02-29').auth(admin, { type: 'bearer' });
    expect(courses.status).toBe(400);
    expect(courses.body.errors).toEqual([
      {
        path: '/query/startsAfter',
        message: `${DATE_WORDS}: 2027-02-29 is no day of the calendar (2027 is no leap year: its February ends on the 28th)`,
      },
    ]);
    const events = await t.http
      .get('/v1/audit/events?from=2026-04-31T00:00:00Z')
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'contrôle des bornes');
    expect(events.status).toBe(400);
    expect(events.body.errors).toEqual([
      {
        path: '/query/from',
        message: `${DATE_TIME_WORDS}: 2026-04-31 is no day of the calendar (April has 30 days)`,
      },
    ]);
  });

  it('is refused naming the day in an import line too', async () => {
    const res = await t.http
      .post('/v1/courses/import')
      .auth(admin, { type: 'bearer' })
      .set('Content-Type', 'application/x-ndjson')
      .send(`${JSON.stringify({ id: 'CAL-1', ...aCourse(), nextSessionStart: '2027-02-29' })}\n`);
    expect(res.status).toBe(422);
    expect(res.body.lineErrors).toEqual([
      expect.objectContaining({
        field: 'nextSessionStart',
        reason:
          'must be a date as YYYY-MM-DD: 2027-02-29 is no day of the calendar (2027 is no leap year: its February ends on the 28th)',
      }),
    ]);
  });

  it('keeps the words of the form for a date not written as one, and takes 29 February of a leap year', async () => {
    const refused = await t.http
      .put('/v1/job-seekers/js-calendar')
      .auth(integration, { type: 'bearer' })
      .send({ ...aJobSeeker(), availableFrom: '2026-13-01' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ path: '/body/availableFrom', message: DATE_WORDS }]);
    const leap = await t.http.get('/v1/courses?startsAfter=2028-02-29').auth(admin, { type: 'bearer' });
    expect(leap.status).toBe(200);
  });
});
