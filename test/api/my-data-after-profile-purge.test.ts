import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { createAndPublish, firstApproved, requestAccessRecord, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const DAY = 86_400_000;
const CONTACT = 'dpd@agence.example';

/**
 * A person whose profile retention purged as idle still has readable data in the decision log (their
 * comments, sealed with their key, which waits for the log period): their portal's "Mes données" must
 * not tell them nothing is known of them, but where to ask for what is held (GDPR Art. 15(1): whether
 * their data is processed).
 */
describe('the data export of a person whose profile was purged as idle', () => {
  let t: TestApp;
  let clock: TestClock;
  let seeker: string;

  beforeAll(async () => {
    ({ t, clock } = await startWorkflowApp({
      env: { RETENTION_PERSONAL_DAYS: '60', PRIVACY_CONTACT: CONTACT },
    }));
    const counselor = await t.tokenFor('counselor', 'c-001');
    seeker = await t.tokenFor('job_seeker', 'js-1');
    const set = await createAndPublish(t, counselor, 'js-1', { approve: 1 });
    const feedback = await t.http
      .post(`/v1/me/recommendations/${firstApproved(set).itemId}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .send({ response: 'not_interested', comment: 'Trop loin de chez moi' });
    expect(feedback.status).toBe(201);
    clock.advance(61 * DAY);
    const run = await t.container.retention.purgeExpired();
    expect(run.purged.jobSeekers).toBe(1);
  });
  afterAll(() => t.close());

  it('still holds the person’s comment, readable, in the access record', async () => {
    const admin = await t.tokenFor('admin', 'ops-1');
    const record = await requestAccessRecord(t, admin, 'js-1', 'DPD-2026-4');
    expect(record.status).toBe(200);
    expect(JSON.stringify(record.body.events)).toContain('Trop loin de chez moi');
  });

  it('tells the person that the decision log still holds data about them, and whom to ask for it', async () => {
    const res = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
    expect(res.status).toBe(404);
    expect(res.body.detail).toContain('journal des décisions');
    expect(res.body.detail).toContain(CONTACT);
    expect(res.body.detail).not.toContain('n’est connu pour vous');
  });

  it('tells the person the same, not an empty list, when they read their suggestions', async () => {
    const res = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ title: 'Dossier introuvable' });
    expect(res.body.detail).toContain('journal des décisions');
    expect(res.body.detail).toContain(CONTACT);
  });

  it('tells the person the same, and whom to write to, when they object or withdraw an objection', async () => {
    const objected = await t.http.post('/v1/me/objection').auth(seeker, { type: 'bearer' }).send({});
    const withdrawn = await t.http.delete('/v1/me/objection').auth(seeker, { type: 'bearer' });
    for (const res of [objected, withdrawn]) {
      expect(res.status, JSON.stringify(res.body)).toBe(404);
      expect(res.body.detail).toContain('journal des décisions');
      expect(res.body.detail).toContain(CONTACT);
    }
  });

  it('still tells a person the service never knew that no file is known for them', async () => {
    const stranger = await t.tokenFor('job_seeker', 'js-never-known');
    const res = await t.http.get('/v1/me/data').auth(stranger, { type: 'bearer' });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ title: 'Dossier introuvable' });
    expect(res.body.detail).toContain('n’est connu pour vous');
    const objected = await t.http.post('/v1/me/objection').auth(stranger, { type: 'bearer' }).send({});
    expect(objected.status).toBe(404);
    expect(objected.body.detail).toContain('n’est connu pour vous');
  });
});
