import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { aWorkflowSeeker, eraseJobSeeker, objectToAi, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const CONTACT = 'dpd@agence.example';

/**
 * An erasure keeps the person's objection to AI processing (record 0006), which only they may withdraw,
 * from their space: with no file held, their space refuses the withdrawal (404), and its detail must
 * tell them what becomes of the objection and whom to write to, not leave them with no way.
 */
describe('the withdrawal of an objection that stands once the person’s file is erased', () => {
  let t: TestApp;
  let admin: string;
  const tokenOf = (seekerId: string) => t.tokenFor('job_seeker', seekerId);
  const withdraw = async (seekerId: string) =>
    t.http.delete('/v1/me/objection').auth(await tokenOf(seekerId), { type: 'bearer' });

  beforeAll(async () => {
    ({ t } = await startWorkflowApp({ env: { PRIVACY_CONTACT: CONTACT } }));
    admin = await t.tokenFor('admin', 'ops-1');
    await syncSeeker(t, 'js-objected');
    await objectToAi(t, 'js-objected');
    await syncSeeker(t, 'js-not-objected');
    for (const seekerId of ['js-objected', 'js-not-objected']) {
      expect((await eraseJobSeeker(t, admin, seekerId)).status).toBe(204);
    }
  });
  afterAll(() => t.close());

  it('tells the person their objection stands, that they may withdraw it once a file is created again, and whom to write to', async () => {
    const res = await withdraw('js-objected');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ title: 'Dossier introuvable' });
    expect(res.body.detail).toContain('Votre opposition');
    expect(res.body.detail).toContain('reste enregistrée');
    expect(res.body.detail).toContain('si votre dossier est recréé');
    expect(res.body.detail).toContain(CONTACT);
  });

  it('says nothing of an objection to a person erased without one', async () => {
    const res = await withdraw('js-not-objected');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ title: 'Dossier introuvable' });
    expect(res.body.detail).not.toContain('opposition');
    expect(res.body.detail).toContain(CONTACT);
  });

  it('refuses the person’s suggestions as it refuses the withdrawal, not with an empty list', async () => {
    const res = await t.http
      .get('/v1/me/recommendations')
      .auth(await tokenOf('js-objected'), { type: 'bearer' });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ title: 'Dossier introuvable' });
    expect(res.body.detail).toContain(CONTACT);
  });

  it('lets the person withdraw it from their space once their file is created again, as the detail said', async () => {
    await syncSeeker(t, 'js-objected', aWorkflowSeeker(), { reEnrol: true });
    const data = await t.http.get('/v1/me/data').auth(await tokenOf('js-objected'), { type: 'bearer' });
    expect(data.body.profile).toMatchObject({ aiObjection: true });
    expect((await withdraw('js-objected')).status).toBe(204);
  });
});
