import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { createAndPublish, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const SENSITIVE_TERMS = 'https://aiguillage.example/problems/sensitive-terms';

/**
 * A person's comment cannot be taken back once sent: their counselor reads it, it is kept with their
 * file and sealed in the log. One that seems to mention sensitive information is refused in French,
 * telling them they need not give such details, and kept only once they send it again confirming it,
 * as a counselor confirms a message to the person. Nothing is kept, and no contest counted, before.
 */
describe('a job seeker’s comment that seems to mention sensitive information', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  const loggedTypes = async (seekerId: string) =>
    (await t.container.decisionLog.decisionLog.listEventsAbout(seekerId)).map((event) => event.type);

  function expectToldInFrench(body: Record<string, unknown>): void {
    expect(body).toMatchObject({
      type: SENSITIVE_TERMS,
      title: 'Informations sensibles dans votre commentaire',
      field: 'comment',
      warnings: [expect.objectContaining({ code: 'sensitive_term', field: 'comment', terms: ['enceinte'] })],
    });
    expect(body.detail).toMatch(/^Votre commentaire semble parler d’informations sensibles \(santé\)/);
    expect(body.detail).toContain('Rien ne vous oblige à les donner');
    expect(body.detail).toContain('Rien n’a été enregistré');
  }

  it('refuses a contest whose comment mentions a pregnancy until the person confirms it, keeping nothing and using no contest', async () => {
    await syncSeeker(t, 'js-pregnant');
    await createAndPublish(t, counselor, 'js-pregnant', { approve: 1 });
    const seeker = await t.tokenFor('job_seeker', 'js-pregnant');
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    const itemId: string = mine.body.items[0].itemId;
    const contest = (body: Record<string, unknown>) =>
      t.http
        .post(`/v1/me/recommendations/${itemId}/feedback`)
        .auth(seeker, { type: 'bearer' })
        .send({ response: 'contest', comment: 'Je suis enceinte et ne peux pas me déplacer', ...body });

    for (let attempt = 0; attempt < 4; attempt++) {
      const refused = await contest({});
      expect(refused.status, JSON.stringify(refused.body)).toBe(422);
      expectToldInFrench(refused.body);
    }
    expect(await t.container.db('feedback').where({ item_id: itemId })).toEqual([]);
    expect(await loggedTypes('js-pregnant')).not.toContain('feedback.given');

    const confirmed = await contest({ acknowledgeSensitiveTerms: true });
    expect(confirmed.status).toBe(201);
    expect(confirmed.body).toMatchObject({
      response: 'contest',
      comment: 'Je suis enceinte et ne peux pas me déplacer',
    });
    expect(confirmed.body.warnings).toEqual([
      expect.objectContaining({ field: 'comment', terms: ['enceinte'] }),
    ]);
    // The refusals used none of the three contests: two more may be sent.
    for (const sent of [2, 3]) {
      expect((await contest({ comment: `Relance ${sent}` })).status).toBe(201);
    }
  });

  it('refuses an objection whose comment mentions a disability until the person confirms it, recording nothing', async () => {
    await syncSeeker(t, 'js-disabled');
    const seeker = await t.tokenFor('job_seeker', 'js-disabled');
    const object = (body: Record<string, unknown>) =>
      t.http
        .post('/v1/me/objection')
        .auth(seeker, { type: 'bearer' })
        .send({ comment: 'Je suis handicapée, enceinte aussi, et préfère voir ma conseillère.', ...body });

    const refused = await object({});
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ type: SENSITIVE_TERMS, field: 'comment' });
    expect(refused.body.warnings[0].terms).toEqual(expect.arrayContaining(['handicap', 'enceinte']));
    expect(refused.body.detail).toContain('Rien ne vous oblige à les donner');
    expect(await loggedTypes('js-disabled')).not.toContain('objection.recorded');
    expect(
      (await t.container.db('job_seekers').where({ id: 'js-disabled' }).first()).ai_objection,
    ).toBeFalsy();

    const confirmed = await object({ acknowledgeSensitiveTerms: true });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({
      aiObjection: true,
      warnings: [expect.objectContaining({ field: 'comment' })],
    });
    expect(await loggedTypes('js-disabled')).toContain('objection.recorded');
  });
});
