import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { requestAccessRecord, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * `GET /v1/me/data` is "everything stored about me" (GDPR Art. 15). The comment kept with an
 * objection (the person's own words in the portal, or what their counselor wrote when recording it
 * for them) is stored, sealed under the person's key, and given in the admin's access record: the
 * person's own export gives it too, with every time the objection was recorded or withdrawn, an
 * objection withdrawn since included.
 */
describe('the comment of an objection', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('is in the person’s data export, as in the access record', async () => {
    const recorded = await t.http
      .post('/v1/job-seekers/js-1/objection')
      .auth(counselor, { type: 'bearer' })
      .send({ channel: 'letter', comment: 'Courrier reçu le 30 septembre : refuse tout outil automatique' });
    expect(recorded.status).toBe(200);

    const admin = await t.tokenFor('admin', 'ops-1');
    const record = await requestAccessRecord(t, admin, 'js-1', 'DEMANDE-2026-17');
    expect(JSON.stringify(record.body)).toContain('Courrier reçu le 30 septembre');

    const seeker = await t.tokenFor('job_seeker', 'js-1');
    const mine = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
    expect(mine.status).toBe(200);
    expect(mine.body.objection).toMatchObject({ recordedBy: 'counselor', channel: 'letter' });
    expect(JSON.stringify(mine.body)).toContain('Courrier reçu le 30 septembre');
  });

  it('stays in the export, with the withdrawal, once the person withdrew the objection', async () => {
    const seeker = await t.tokenFor('job_seeker', 'js-1');
    clock.advance(60_000);
    const again = await t.http
      .post('/v1/me/objection')
      .auth(seeker, { type: 'bearer' })
      .send({ comment: 'Je préfère voir ça avec ma conseillère' });
    expect(again.status).toBe(200);
    clock.advance(60_000);
    expect((await t.http.delete('/v1/me/objection').auth(seeker, { type: 'bearer' })).status).toBe(204);

    const mine = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });

    expect(mine.status).toBe(200);
    expect(mine.body.objection).toBeNull();
    expect(mine.body.objectionHistory).toEqual([
      {
        action: 'recorded',
        at: '2026-10-01T08:00:00.000Z',
        by: 'counselor',
        channel: 'letter',
        comment: 'Courrier reçu le 30 septembre : refuse tout outil automatique',
      },
      {
        action: 'recorded',
        at: '2026-10-01T08:01:00.000Z',
        by: 'job_seeker',
        channel: 'portal',
        comment: 'Je préfère voir ça avec ma conseillère',
      },
      { action: 'withdrawn', at: '2026-10-01T08:02:00.000Z', by: 'job_seeker', channel: null, comment: null },
    ]);
  });
});
