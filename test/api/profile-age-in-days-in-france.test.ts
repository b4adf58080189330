import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { aClock, createSet, seedCatalogAndSeeker, syncSeeker } from '../support/workflow.ts';

/**
 * A set made on a profile last synced more than 90 days before tells its counselor so
 * (`profile_not_recent`, with the number of days). The days are those of the calendar in France, as
 * the counselor counts them: in 24-hour spans, a profile synced at 10:00 in Paris 90 days before a
 * set made at 10:00 was flagged across the autumn clock change (90 days and an hour), and said synced
 * « 90 days before », which reads as no more than 90.
 */
describe('the age of the profile a set was made on, counted in days in France', () => {
  // Saturday 1 August 2026, 10:00 in Paris (summer time).
  const clock = aClock(new Date('2026-08-01T08:00:00.000Z'));
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    t = await startTestApp({ now: clock.now });
    counselor = await t.tokenFor('counselor', 'c-001');
    await seedCatalogAndSeeker(t, 'js-summer-90');
    await syncSeeker(t, 'js-summer-91');
  });
  afterAll(() => t.close());

  const setClock = (instant: string) => clock.advance(Date.parse(instant) - clock.now().getTime());
  const caveatsOf = async (seekerId: string) => (await createSet(t, counselor, seekerId)).set.caveats;

  it('does not flag a profile synced 90 days before at the same hour, across the autumn clock change', async () => {
    // Friday 30 October 2026, 10:00 in Paris (winter time since the 25th): 90 days and one hour later.
    setClock('2026-10-30T09:00:00.000Z');
    expect(await caveatsOf('js-summer-90')).toEqual([]);
  });

  it('flags a profile synced 91 days before, and says 91', async () => {
    // Saturday 31 October 2026, 00:30 in Paris: 90 days and 15 and a half hours later.
    setClock('2026-10-30T23:30:00.000Z');
    expect(await caveatsOf('js-summer-91')).toEqual([
      {
        code: 'profile_not_recent',
        message:
          'the profile the model saw was last synced 91 days before the suggestions: check it with the person',
      },
    ]);
  });
});
