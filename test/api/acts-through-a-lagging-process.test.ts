import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  act,
  createAndPublish,
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
 * never dated before the publication through A it takes back, and the courses a counselor adds are
 * listed in the order they were added, whichever process's clock dated each.
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
