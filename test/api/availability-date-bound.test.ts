import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aJobSeeker } from '../support/builders.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** 23:30 UTC on 5 December 2026: already 6 December in France, the day the bound counts from. */
const NOW = new Date('2026-12-05T23:30:00Z');

/**
 * A sync's `availableFrom` is at most two years after today (the day in France): a later date is
 * no availability a counselor plans with (`9999-12-31` written for "unknown", a typo in the year),
 * and it would silently put every course out of the person's reach.
 */
describe('the day a job seeker is available from, as a sync sends it', () => {
  let t: TestApp;
  let integration: string;

  beforeAll(async () => {
    t = await startTestApp({ now: () => NOW });
    integration = await t.tokenFor('integration', 'svc-crm');
  });
  afterAll(() => t.close());

  const sync = (id: string, availableFrom: string | null) =>
    t.http
      .put(`/v1/job-seekers/${id}`)
      .auth(integration, { type: 'bearer' })
      .send(aJobSeeker({ availableFrom }));

  it('is taken up to two years after today in France, the last day included', async () => {
    const res = await sync('js-avail-last', '2028-12-06');

    expect(res.status).toBe(201);
    expect(res.body.availableFrom).toBe('2028-12-06');
  });

  it.each(['2028-12-07', '2031-01-01', '9999-12-31'])(
    'is refused the day after that bound and beyond (%s), naming the field and the bound, nothing stored',
    async (availableFrom) => {
      const res = await sync('js-avail-far', availableFrom);

      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        type: 'https://aiguillage.example/problems/invalid-input',
        field: 'availableFrom',
        latestAvailableFrom: '2028-12-06',
      });
      expect(res.body.detail).toContain('availableFrom');
      expect(res.body.detail).toContain('2028-12-06');
      expect(await t.container.db('job_seekers').where({ id: 'js-avail-far' }).first()).toBeUndefined();
    },
  );

  it('keeps the profile as it was when an update is refused', async () => {
    await sync('js-avail-kept', '2027-01-04');

    const refused = await sync('js-avail-kept', '9999-12-31');
    const read = await t.http
      .get('/v1/job-seekers/js-avail-kept')
      .auth(await t.tokenFor('counselor', 'c-001'), { type: 'bearer' });

    expect(refused.status).toBe(422);
    expect(read.body.availableFrom).toBe('2027-01-04');
  });

  it('still takes no date (available now) and a date already past', async () => {
    expect((await sync('js-avail-now', null)).status).toBe(201);
    expect((await sync('js-avail-past', '2025-03-01')).status).toBe(201);
  });
});
