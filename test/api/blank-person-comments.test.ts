import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { createAndPublish, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/** Spaces, zero-width spaces, a no-break space and a blank Braille pattern: nothing of them shows. */
const BLANK_COMMENTS = ['   ', '\u200b\u200b', ' \u00a0\u2800 '];

/**
 * A person who sends a comment of which nothing shows thinks they wrote something: the comment is
 * refused in French, asking them to write it or leave it out, and nothing is kept, so that a contest
 * sent with it uses none of the three a course allows.
 */
describe('a job seeker’s comment of which nothing shows', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  async function publishedToAnswer(seekerId: string) {
    await syncSeeker(t, seekerId);
    await createAndPublish(t, counselor, seekerId, { approve: 1 });
    const seeker = await t.tokenFor('job_seeker', seekerId);
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    const itemId: string = mine.body.items[0].itemId;
    const answer = (body: Record<string, unknown>) =>
      t.http.post(`/v1/me/recommendations/${itemId}/feedback`).auth(seeker, { type: 'bearer' }).send(body);
    return { seeker, itemId, answer };
  }

  it('refuses a contest whose comment shows nothing, in French, and uses none of the person’s contests', async () => {
    const { itemId, answer } = await publishedToAnswer('js-blank-contest');
    for (const comment of BLANK_COMMENTS) {
      const refused = await answer({ response: 'contest', comment });
      expect(refused.status, JSON.stringify(refused.body)).toBe(422);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ title: 'Commentaire vide', field: 'comment' });
      expect(refused.body.detail).toContain('Écrivez ce que vous contestez dans cette proposition');
      expect(refused.body.detail).toContain('envoyez votre réponse sans commentaire');
    }
    expect(await t.container.db('feedback').where({ item_id: itemId })).toEqual([]);
    const events = await t.container.decisionLog.decisionLog.listEventsAbout('js-blank-contest');
    expect(events.map((event) => event.type)).not.toContain('feedback.given');
    // All three contests are still the person's.
    for (const sent of [1, 2, 3]) {
      expect((await answer({ response: 'contest', comment: `Relance ${sent}` })).status).toBe(201);
    }
  });

  it('refuses another answer whose comment shows nothing, asking what they want to tell their counselor', async () => {
    const { answer } = await publishedToAnswer('js-blank-answer');
    const refused = await answer({ response: 'interested', comment: '  ' });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toContain('Écrivez ce que vous voulez dire à votre conseiller');
    expect((await answer({ response: 'interested' })).status).toBe(201);
  });

  it('refuses an objection whose comment shows nothing, in French, and records no objection', async () => {
    await syncSeeker(t, 'js-blank-objection');
    const seeker = await t.tokenFor('job_seeker', 'js-blank-objection');
    const refused = await t.http
      .post('/v1/me/objection')
      .auth(seeker, { type: 'bearer' })
      .send({ comment: ' \u200b ' });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ title: 'Commentaire vide', field: 'comment' });
    expect(refused.body.detail).toContain('envoyez votre opposition sans commentaire');
    const events = await t.container.decisionLog.decisionLog.listEventsAbout('js-blank-objection');
    expect(events.map((event) => event.type)).not.toContain('objection.recorded');
    expect((await t.http.post('/v1/me/objection').auth(seeker, { type: 'bearer' }).send({})).status).toBe(
      200,
    );
  });
});
