import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_LOG_RETENTION_DAYS } from '../../src/config.ts';
import type { OpenedPersonalPart } from '../../src/decision-log/subject-keyring.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { aClock, createSet, seedCatalogAndSeeker, type TestClock } from '../support/workflow.ts';

async function readPersonalParts(t: TestApp, seekerId: string): Promise<OpenedPersonalPart[]> {
  const { decisionLog, pseudonymiser, subjectKeyring } = t.container.decisionLog;
  const events = await decisionLog.listEvents({ subject: pseudonymiser.pseudonymise(seekerId), limit: 1000 });
  return Promise.all(
    events.flatMap((event) =>
      event.personal === null ? [] : [subjectKeyring.decryptPersonal(event.personal)],
    ),
  );
}

/**
 * AI Act Art. 26(6): the logs are kept at least six months. Six calendar months are up to 184 days
 * (1 March to 1 September, 1 July to 1 January): at the smallest period accepted, a person's log
 * must not be made unreadable before six months have passed.
 */
describe('the smallest log period accepted', () => {
  let t: TestApp;
  let clock: TestClock;

  beforeAll(async () => {
    clock = aClock(new Date('2026-03-01T08:00:00.000Z'));
    t = await startTestApp({ now: clock.now, env: { RETENTION_LOG_DAYS: String(MIN_LOG_RETENTION_DAYS) } });
    await seedCatalogAndSeeker(t, 'js-march');
    await createSet(t, await t.tokenFor('counselor', 'c-001'), 'js-march');
  });
  afterAll(() => t.close());

  it('keeps the log of events of 1 March readable on 31 August, before six months have passed', async () => {
    // 2026-08-31T09:00Z: 183 days and one hour after the events; six months end on 1 September.
    clock.advance(Date.parse('2026-08-31T09:00:00.000Z') - Date.parse('2026-03-01T08:00:00.000Z'));
    const report = await t.container.retention.purgeExpired();
    expect(report.purged.subjectKeys).toBe(0);
    const parts = await readPersonalParts(t, 'js-march');
    expect(parts.length).toBeGreaterThan(0);
    for (const part of parts) expect(part.status).toBe('readable');
  });
});
