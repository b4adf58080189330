import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { createAndPublish, objectToAi, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const INVITATION = 'Vous pouvez aussi vous opposer à l’utilisation de l’outil d’aide pour votre dossier';
const STANDING = 'Votre opposition à l’utilisation de l’outil d’aide pour votre dossier est enregistrée';

/**
 * The explanation tells the person how to contest and how to object to the tool. A person who
 * objected is told their objection stands and how to withdraw it, not invited to object again as if
 * it had not been recorded.
 */
describe('how to contest, once the person objected to the tool', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('tells a person whose objection stands that it is recorded and how to withdraw it, and invites them to object again once withdrawn', async () => {
    await syncSeeker(t, 'js-objected-reads');
    await createAndPublish(t, counselor, 'js-objected-reads', { approve: 1 });
    const token = await t.tokenFor('job_seeker', 'js-objected-reads');
    const mine = await t.http.get('/v1/me/recommendations').auth(token, { type: 'bearer' });
    const itemId = String(mine.body.items[0]?.itemId);
    const howToContest = async () => {
      const res = await t.http
        .get(`/v1/me/recommendations/${itemId}/explanation`)
        .auth(token, { type: 'bearer' });
      expect(res.status).toBe(200);
      return String(res.body.howToContest);
    };

    expect(await howToContest()).toContain(INVITATION);

    await objectToAi(t, 'js-objected-reads');
    const whileObjecting = await howToContest();
    expect(whileObjecting).toContain(STANDING);
    expect(whileObjecting).toContain('vous seul pouvez retirer cette opposition');
    expect(whileObjecting).not.toContain(INVITATION);
    expect(whileObjecting).toContain('« Je conteste cette proposition »');

    expect((await t.http.delete('/v1/me/objection').auth(token, { type: 'bearer' })).status).toBe(204);
    expect(await howToContest()).toContain(INVITATION);
  });
});
