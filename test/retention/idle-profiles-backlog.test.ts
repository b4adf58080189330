import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDLE_PROFILES_PER_BATCH } from '../../src/retention/retention-service.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { aClock, type TestClock } from '../support/workflow.ts';

const DAY = 86_400_000;
/** More idle profiles than one batch deletes. */
const IDLE = IDLE_PROFILES_PER_BATCH + 3;

/**
 * A daily run deleted at most one batch of idle profiles and left the rest to the next day's run:
 * with more profiles falling idle each day than a batch holds (a deployment holds hundreds of
 * thousands), the profiles past `RETENTION_PERSONAL_DAYS` piled up and were kept for ever longer.
 * A run goes on, batch after batch, each in its own transaction, until none is left.
 */
describe('a retention run with more idle profiles than one batch', () => {
  let t: TestApp;
  let clock: TestClock;

  beforeAll(async () => {
    clock = aClock();
    t = await startTestApp({ now: clock.now, env: { RETENTION_PERSONAL_DAYS: '60' } });
    // Written straight to the table: syncing each one through the API would take minutes.
    const stamp = clock.now().toISOString();
    const rows = Array.from({ length: IDLE }, (_, index) => ({
      id: `js-idle-${String(index).padStart(4, '0')}`,
      counselor_id: 'c-001',
      target_occupations: JSON.stringify(['J1501']),
      education_level: 3,
      skills: JSON.stringify([]),
      years_experience: 1,
      months_unemployed: 6,
      mobility_radius_km: 20,
      remote_ok: false,
      ai_objection: false,
      created_at: stamp,
      updated_at: stamp,
    }));
    for (let start = 0; start < rows.length; start += 100) {
      await t.container.db('job_seekers').insert(rows.slice(start, start + 100));
    }
    clock.advance(61 * DAY);
  });
  afterAll(() => t.close());

  it('deletes every profile idle for the whole period, however many', async () => {
    const report = await t.container.retention.purgeExpired();
    expect(report.purged.jobSeekers).toBe(IDLE);
    const left = await t.container.db('job_seekers').count({ n: '*' }).first();
    expect(Number(left?.n)).toBe(0);
    // One event per transaction, each with its own counts.
    const events = await t.container.db('decision_events').where({ type: 'retention.purged' }).orderBy('seq');
    const counts = events.map((event) => {
      const payload = typeof event.payload === 'string' ? JSON.parse(event.payload) : event.payload;
      return (payload as { purged: { jobSeekers: number } }).purged.jobSeekers;
    });
    expect(counts).toEqual([IDLE_PROFILES_PER_BATCH, IDLE - IDLE_PROFILES_PER_BATCH]);
  });
});
