import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { aClock, type TestClock } from '../support/workflow.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** What the daily job passes (a day less an hour of slack). */
const DAILY_GAP = 23 * HOUR;

/**
 * A host whose clock was wrong ahead (a VM restored with a bad RTC, a manual mistake) records a
 * retention run in the future; once its clock is set right, the daily job compares now with that
 * run and skips every day until the wrong date is reached.
 */
describe('the daily retention job after the clock was set right', () => {
  let t: TestApp;
  let clock: TestClock;

  beforeAll(async () => {
    clock = aClock();
    t = await startTestApp({ now: clock.now });
  });
  afterAll(() => t.close());

  it('runs again the next day, not only once the wrong date is reached', async () => {
    clock.advance(30 * DAY);
    expect(await t.container.retention.purgeIfDue(DAILY_GAP)).toBeDefined();
    // The clock was 30 days ahead: set right, a day later.
    clock.advance(-30 * DAY + DAY);
    expect(await t.container.retention.purgeIfDue(DAILY_GAP)).toBeDefined();
  });
});
