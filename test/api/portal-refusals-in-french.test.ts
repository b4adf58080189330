import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { createAndPublish, createSet, objectToAi, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const PROBLEMS = 'https://aiguillage.example/problems/';

/** Words no French refusal holds, but the English ones the portal gave before did. */
const ENGLISH = /\b(the|was|not found|no such|there is|stands|for you|with the current state)\b/i;

/** A problem document's title and detail hold no English, and the detail speaks to the person. */
function expectFrench(body: { title?: unknown; detail?: unknown }): void {
  expect(String(body.title)).not.toMatch(ENGLISH);
  expect(String(body.detail)).not.toMatch(ENGLISH);
  expect(String(body.detail)).toMatch(/\b(vous|votre)\b/i);
}

/**
 * The portal speaks French to the person (explanations, dates, notice): a refusal of their own call
 * does too, in its title and its detail, the detail saying what they can do. The problem types stay.
 */
describe('refusals of a job seeker’s own calls, in French', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  const as = async (seekerId: string) => ({
    type: 'bearer' as const,
    token: await t.tokenFor('job_seeker', seekerId),
  });

  it('tells the person in French that a course is not among their suggestions (404), for its explanation and an answer about it', async () => {
    await syncSeeker(t, 'js-fr-item');
    const { set: pending } = await createSet(t, counselor, 'js-fr-item');
    const { token } = await as('js-fr-item');
    const unknownItem = '01a2aaaa-0000-7000-8000-000000000000';
    const pendingItem = String(pending.items[0]?.itemId);

    for (const itemId of [unknownItem, pendingItem]) {
      const explained = await t.http
        .get(`/v1/me/recommendations/${itemId}/explanation`)
        .auth(token, { type: 'bearer' });
      const answered = await t.http
        .post(`/v1/me/recommendations/${itemId}/feedback`)
        .auth(token, { type: 'bearer' })
        .send({ response: 'interested' });
      for (const res of [explained, answered]) {
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ type: `${PROBLEMS}not-found`, title: 'Proposition introuvable' });
        expectFrench(res.body);
        expect(res.body.detail).toMatch(/adressez-vous à votre conseiller/);
      }
    }
  });

  it('tells the person in French that no file is known for them (404), reading their suggestions or data, objecting or withdrawing', async () => {
    const { token } = await as('js-fr-unknown');

    const answers = [
      await t.http.get('/v1/me/recommendations').auth(token, { type: 'bearer' }),
      await t.http.get('/v1/me/data').auth(token, { type: 'bearer' }),
      await t.http.post('/v1/me/objection').auth(token, { type: 'bearer' }).send({}),
      await t.http.delete('/v1/me/objection').auth(token, { type: 'bearer' }),
    ];

    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ type: `${PROBLEMS}not-found`, title: 'Dossier introuvable' });
      expectFrench(res.body);
      expect(res.body.detail).toMatch(/Adressez-vous à votre conseiller ou à votre agence/);
    }
  });

  it('tells the person in French that there is no objection to withdraw (409 no-objection), and how to object', async () => {
    await syncSeeker(t, 'js-fr-no-objection');
    await syncSeeker(t, 'js-fr-withdrawn');
    await objectToAi(t, 'js-fr-withdrawn');
    const withdraw = async (seekerId: string) =>
      t.http.delete('/v1/me/objection').auth((await as(seekerId)).token, { type: 'bearer' });
    expect((await withdraw('js-fr-withdrawn')).status).toBe(204);

    for (const res of [await withdraw('js-fr-no-objection'), await withdraw('js-fr-withdrawn')]) {
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({
        type: `${PROBLEMS}no-objection`,
        title: 'Aucune opposition à retirer',
      });
      expectFrench(res.body);
      expect(res.body.detail).toMatch(/rien à retirer/);
      expect(res.body.detail).toMatch(/« Mes données »/);
    }
  });

  it('titles the refusals of answers and contests beyond their limits in French (409 feedback-limit-reached)', async () => {
    await syncSeeker(t, 'js-fr-limit');
    await createAndPublish(t, counselor, 'js-fr-limit', { approve: 1 });
    const { token } = await as('js-fr-limit');
    const mine = await t.http.get('/v1/me/recommendations').auth(token, { type: 'bearer' });
    const itemId = String(mine.body.items[0]?.itemId);
    const answer = (response: string) =>
      t.http
        .post(`/v1/me/recommendations/${itemId}/feedback`)
        .auth(token, { type: 'bearer' })
        .send({ response });
    for (let sent = 0; sent < 10; sent += 1) expect((await answer('interested')).status).toBe(201);
    for (let sent = 0; sent < 3; sent += 1) expect((await answer('contest')).status).toBe(201);

    const answers = await answer('not_interested');
    const contests = await answer('contest');

    expect(answers.status).toBe(409);
    expect(answers.body).toMatchObject({
      type: `${PROBLEMS}feedback-limit-reached`,
      title: 'Nombre maximal de réponses atteint',
    });
    expectFrench(answers.body);
    expect(contests.status).toBe(409);
    expect(contests.body).toMatchObject({
      type: `${PROBLEMS}feedback-limit-reached`,
      title: 'Nombre maximal de contestations en attente atteint',
    });
    expectFrench(contests.body);
  });

  it('still answers staff in the words of their refusals (a counselor’s missing set)', async () => {
    const res = await t.http
      .get('/v1/recommendations/01a2aaaa-0000-7000-8000-000000000000')
      .auth(counselor, { type: 'bearer' });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ title: 'Not found' });
  });
});
