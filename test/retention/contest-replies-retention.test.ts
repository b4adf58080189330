import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { aClock, createAndPublish, seedCatalogAndSeeker, type TestClock } from '../support/workflow.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The counselor's replies to contests are the person's data, kept as long as their feedback. */
describe('retention of the replies to contests', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;

  beforeAll(async () => {
    clock = aClock();
    t = await startTestApp({ now: clock.now, env: { RETENTION_PERSONAL_DAYS: '60' } });
    counselor = await t.tokenFor('counselor', 'c-001');
  });
  afterAll(() => t.close());

  /** Publishes a set for the person, who contests its first course, and their counselor replies. */
  async function contestAndReply(seekerId: string): Promise<void> {
    await seedCatalogAndSeeker(t, seekerId);
    const set = await createAndPublish(t, counselor, seekerId, { approve: 1 });
    const itemId = set.items.find((item) => item.decision === 'approved')?.itemId ?? '';
    const contested = await t.http
      .post(`/v1/me/recommendations/${itemId}/feedback`)
      .auth(await t.tokenFor('job_seeker', seekerId), { type: 'bearer' })
      .send({ response: 'contest' });
    expect(contested.status).toBe(201);
    const replied = await t.http
      .post(`/v1/recommendations/${set.id}/items/${itemId}/contest-reply`)
      .auth(counselor, { type: 'bearer' })
      .send({ message: 'J’ai revu cette proposition avec attention.' });
    expect(replied.status).toBe(201);
  }

  it('purges a reply with the set it is about once past the period, counted, and keeps a recent one', async () => {
    await contestAndReply('js-old');
    clock.advance(40 * DAY);
    await contestAndReply('js-recent');
    clock.advance(21 * DAY);
    const report = await t.container.retention.purgeExpired();
    expect(report.purged.contestReplies).toBe(1);
    const left = await t.container.db('contest_replies').select('seeker_id');
    expect(left.map((row) => row.seeker_id)).toEqual(['js-recent']);
  });
});
