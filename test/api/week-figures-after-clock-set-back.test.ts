import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { aClock, createSet, seedCatalogAndSeeker, type TestClock } from '../support/workflow.ts';

const SECOND = 1000;

/**
 * An NTP correction steps a server's clock back by some seconds (a clock that ran ahead is set
 * right): acts after it read an earlier time than acts already recorded.
 */
describe('a clock stepping back between two acts', () => {
  describe('across the Monday 00:00 UTC that ends a week of the figures', () => {
    let t: TestApp;
    let clock: TestClock;
    let counselor: string;
    let auditor: string;
    const get = (path: string) =>
      t.http.get(path).auth(auditor, { type: 'bearer' }).set('X-Audit-Purpose', 'revue des explications');

    beforeAll(async () => {
      // Thursday 1 October 2026: its week began on Monday 28 September.
      clock = aClock();
      t = await startTestApp({ now: clock.now, env: { AUDIT_MIN_PEOPLE: '3' } });
      counselor = await t.tokenFor('counselor', 'c-001');
      auditor = await t.tokenFor('auditor', 'dpo-1');
      for (const seekerId of ['js-a', 'js-b', 'js-c']) {
        await seedCatalogAndSeeker(t, seekerId);
        await createSet(t, counselor, seekerId);
      }
      await seedCatalogAndSeeker(t, 'js-late');
    });
    afterAll(() => t.close());

    it("never changes a week's figures once the week is over (record 0004), so no two answers single out one person", async () => {
      // Monday 5 October, 00:00:05 UTC: the week of 28 September is over, not given for an hour yet.
      clock.advance(Date.parse('2026-10-05T00:00:05.000Z') - clock.now().getTime());
      const justOver = await get('/v1/audit/stats/attributions');
      expect(justOver.body).toMatchObject({ to: '2026-09-28T00:00:00.000Z', models: [] });
      // The clock is set back ten seconds, to Sunday; one more person is suggested courses.
      clock.advance(-10 * SECOND);
      await createSet(t, counselor, 'js-late');
      // Monday 01:00:05: the week is given, then read again.
      clock.advance(Date.parse('2026-10-05T01:00:05.000Z') - clock.now().getTime());
      const before = await get('/v1/audit/stats/attributions');
      expect(before.body).toMatchObject({ to: '2026-10-05T00:00:00.000Z' });
      // The log's time held still: js-late's set lies in the next week, and the week over keeps its three people.
      expect(before.body.models).toEqual([expect.objectContaining({ sets: 3, people: 3 })]);
      clock.advance(60 * SECOND);
      const after = await get('/v1/audit/stats/attributions');
      expect(after.body).toMatchObject({ to: '2026-10-05T00:00:00.000Z' });
      expect(after.body.models).toEqual(before.body.models);
    });
  });
});
