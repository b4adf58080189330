import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  act,
  createAndPublish,
  createSet,
  decide,
  decideAll,
  listEventsAbout,
  putSettings,
  readSet,
  requestManualSet,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/** How far process B's clock is behind process A's. */
const LAG_MS = 3_000;

/**
 * Two API processes on one database, B's clock a few seconds behind A's: a retraction through B is
 * never dated before the publication through A it takes back; a set's lifetime is counted, and its
 * end read, at the log's time, which never goes back (record 0004), so that no act is logged after
 * a set's end; and the courses a counselor adds are listed in the order they were added, whichever
 * process's clock dated each.
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
      // A logs a change at the set's end: by the log's time its lifetime has passed, by B's clock not yet.
      await putSettings(a, { setTtlHours: 72 });

      const res = await decide(b, onB, set.id, set.items[0]?.itemId ?? '', etag, { decision: 'approve' });

      expect(res.status).toBe(409);
      expect(res.body.type).toMatch(/\/set-expired$/);
      expect(await listEventsAbout(a, 'js-expired-on-a', 'recommendation.expired')).toHaveLength(1);
      expect(await listEventsAbout(a, 'js-expired-on-a', 'item.decided')).toEqual([]);
      expect((await readSet(b, onB, set.id)).set.status).toBe('expired');
    } finally {
      await putSettings(a, {});
    }
  });

  it('counts the lifetime of a set made through B from the log’s time, not from B’s clock behind it', async () => {
    await syncSeeker(a, 'js-made-on-b');
    // Logged by A's clock, ahead of B's.
    await putSettings(a, { setTtlHours: 24 });
    try {
      const onA = await a.tokenFor('counselor', 'c-001');
      const { set } = await createSet(b, await b.tokenFor('counselor', 'c-001'), 'js-made-on-b');
      expect(set.createdAt).toBe(clock.now().toISOString());
      expect(Date.parse(set.expiresAt) - Date.parse(set.createdAt)).toBe(24 * 3_600_000);
      clock.advance(24 * 3_600_000 - 1_000);
      const { etag } = await readSet(a, onA, set.id);

      const res = await decide(a, onA, set.id, set.items[0]?.itemId ?? '', etag, { decision: 'approve' });

      expect(res.status).toBe(200);
    } finally {
      await putSettings(a, {});
    }
  });

  it('gives a set handed on through B a full lifetime from the log’s time, not from B’s clock behind it', async () => {
    await syncSeeker(a, 'js-handed-on-b');
    const onB = await b.tokenFor('counselor', 'c-001');
    await putSettings(a, { secondReviewRate: 1, setTtlHours: 24 });
    try {
      const { set } = await createSet(b, onB, 'js-handed-on-b');
      const { etag } = await decideAll(b, onB, set.id, { approve: 1 });
      // Logged by A's clock, ahead of B's.
      await putSettings(a, { secondReviewRate: 1, setTtlHours: 24 });

      const res = await act(b, onB, set.id, 'publish', etag);

      expect(res.status).toBe(200);
      expect(res.body.status).toBe('awaiting_second_review');
      expect(res.body.expiresAt).toBe(new Date(clock.now().getTime() + 24 * 3_600_000).toISOString());
    } finally {
      await putSettings(a, {});
    }
  });

  it('lists a course added through B after the one added before through A, though B’s clock dates it earlier', async () => {
    await syncSeeker(a, 'js-added-on-both');
    await putSettings(a, { aiEnabled: false });
    try {
      const onA = await a.tokenFor('counselor', 'c-001');
      const onB = await b.tokenFor('counselor', 'c-001');
      const started = await requestManualSet(a, onA, 'js-added-on-both');
      expect(started.status).toBe(201);
      const reason = 'Choisie avec la personne en entretien';
      const first = await act(a, onA, started.body.id, 'items', String(started.headers.etag), {
        courseId: 'LYON-AS-2',
        reason,
      });
      expect(first.status).toBe(201);
      const second = await act(b, onB, started.body.id, 'items', String(first.headers.etag), {
        courseId: 'VILLEURBANNE-AES',
        reason,
      });
      expect(second.status).toBe(201);

      for (const process of [a, b]) {
        const token = process === a ? onA : onB;
        const { set } = await readSet(process, token, started.body.id);
        expect(set.items.map((item) => item.course.id)).toEqual(['LYON-AS-2', 'VILLEURBANNE-AES']);
      }
    } finally {
      await putSettings(a, {});
    }
  });
});
