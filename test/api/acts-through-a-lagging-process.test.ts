import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  act,
  createAndPublish,
  createSet,
  decide,
  listEventsAbout,
  putSettings,
  readSet,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/** How far process B's clock is behind process A's. */
const LAG_MS = 3_000;

/**
 * Two API processes on one database, B's clock a few seconds behind A's: a review act through B
 * after an event A logged is dated by the log's time, which never goes back (record 0004), not by
 * B's clock alone: it is never dated before what it follows, and a set whose lifetime the log's time
 * has passed is expired, not acted on after its expiry.
 */
describe('review acts through a process whose clock lags', () => {
  let a: TestApp;
  let b: TestApp;
  let clock: TestClock;

  beforeAll(async () => {
    const started = await startWorkflowApp();
    a = started.t;
    clock = started.clock;
    b = await startTestApp({ database: a.database, now: () => new Date(clock.now().getTime() - LAG_MS) });
  });
  afterAll(async () => {
    await b.container.close();
    await a.close();
  });

  it('dates a retraction through B no earlier than the publication through A it takes back', async () => {
    await syncSeeker(a, 'js-retracted-on-b');
    const published = await createAndPublish(a, await a.tokenFor('counselor', 'c-001'), 'js-retracted-on-b');
    const onB = await b.tokenFor('counselor', 'c-001');
    const { etag } = await readSet(b, onB, published.id);

    const res = await act(b, onB, published.id, 'retract', etag, { reason: 'Erreur dans la sélection' });

    expect(res.status).toBe(200);
    const portal = await a.http
      .get('/v1/me/recommendations')
      .auth(await a.tokenFor('job_seeker', 'js-retracted-on-b'), { type: 'bearer' });
    expect(portal.body.publishedAt).toBe(published.publishedAt);
    expect(Date.parse(portal.body.retractedAt)).toBeGreaterThanOrEqual(Date.parse(portal.body.publishedAt));
  });

  it('refuses through B an act on a set whose lifetime passed by the time A logged since', async () => {
    await syncSeeker(a, 'js-expired-on-a');
    await putSettings(a, { setTtlHours: 24 });
    try {
      const onB = await b.tokenFor('counselor', 'c-001');
      const { set } = await createSet(a, await a.tokenFor('counselor', 'c-001'), 'js-expired-on-a');
      const { etag } = await readSet(b, onB, set.id);
      clock.advance(24 * 3_600_000);
      // A logs a change at the set's expiry: by the log's time its lifetime has passed.
      await putSettings(a, { setTtlHours: 72 });

      const res = await decide(b, onB, set.id, set.items[0]?.itemId ?? '', etag, { decision: 'approve' });

      expect(res.status).toBe(409);
      expect(res.body.type).toMatch(/\/set-expired$/);
      expect(await listEventsAbout(a, 'js-expired-on-a', 'recommendation.expired')).toHaveLength(1);
      expect(await listEventsAbout(a, 'js-expired-on-a', 'item.decided')).toEqual([]);
    } finally {
      await putSettings(a, {});
    }
  });
});
