import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { createAndPublish, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const LIMIT_REACHED = 'https://aiguillage.example/problems/feedback-limit-reached';

/**
 * The explanation tells the person they may contest a suggestion from their portal (« Je conteste
 * cette proposition »). A person who changed their mind about a course a few times (interested, not
 * interested…) must still be able to contest it: the cap on answers must not close the contest route.
 * Contests have a small limit of their own (3 per course), and a refusal is told in French.
 */
describe('contesting a suggestion after many answers about it', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  /** A course published to `seekerId`, the set, and a way for the person to answer about it. */
  async function publishedToAnswer(seekerId: string) {
    await syncSeeker(t, seekerId);
    const set = await createAndPublish(t, counselor, seekerId, { approve: 1 });
    const seeker = await t.tokenFor('job_seeker', seekerId);
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    const itemId: string = mine.body.items[0].itemId;
    const answer = (response: string, comment?: string) =>
      t.http
        .post(`/v1/me/recommendations/${itemId}/feedback`)
        .auth(seeker, { type: 'bearer' })
        .send(comment === undefined ? { response } : { response, comment });
    return { set, itemId, answer };
  }

  const countFeedback = async () => Number((await t.container.db('feedback').count({ n: '*' }))[0]?.n);

  it('still reaches the counselor', async () => {
    const { set, answer } = await publishedToAnswer('js-1');

    for (let i = 0; i < 10; i++) {
      expect((await answer(i % 2 === 0 ? 'interested' : 'not_interested')).status).toBe(201);
    }
    const contest = await answer('contest', 'Je ne comprends pas pourquoi on me propose cette formation');
    expect(contest.status, JSON.stringify(contest.body)).toBe(201);

    const read = await t.http
      .get(`/v1/recommendations/${set.id}/feedback?limit=50`)
      .auth(counselor, { type: 'bearer' });
    expect(read.body.items.map((item: { response: string }) => item.response)).toContain('contest');
  });

  it('tells the person in French, and that they may still contest, when their other answers reached the limit', async () => {
    const { answer } = await publishedToAnswer('js-contest-french');
    for (let i = 0; i < 10; i++) expect((await answer('interested')).status).toBe(201);

    const refused = await answer('not_interested');

    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: LIMIT_REACHED, feedbackLimit: 10 });
    expect(refused.body.detail).toMatch(/^Vous avez déjà donné 10 réponses sur cette formation/);
    expect(refused.body.detail).toContain('« Je conteste cette proposition »');
  });

  it('does not tell the person they may still contest when their contests already await a reply at their limit', async () => {
    const { answer } = await publishedToAnswer('js-both-limits');
    for (let sent = 1; sent <= 3; sent += 1) {
      expect((await answer('contest', `relance ${sent}`)).status).toBe(201);
    }
    for (let i = 0; i < 10; i++) expect((await answer('interested')).status).toBe(201);

    const refused = await answer('not_interested');

    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: LIMIT_REACHED, feedbackLimit: 10 });
    expect(refused.body.detail).toMatch(/^Vous avez déjà donné 10 réponses sur cette formation/);
    expect(refused.body.detail).not.toMatch(/Vous pouvez toujours contester/);
    expect(refused.body.detail).toContain(
      'contesté cette proposition 3 fois sans réponse de votre conseiller',
    );
    expect(refused.body.detail).toContain('à nouveau après sa réponse');
    // As the refusal says: a fourth contest waits for the reply.
    expect((await answer('contest', 'relance 4')).status).toBe(409);
  });

  it('keeps at most 3 contests per course, whatever else was answered: the 4th is refused in French, nothing kept', async () => {
    const { answer } = await publishedToAnswer('js-contest-loop');
    for (let sent = 1; sent <= 3; sent += 1) {
      expect((await answer('contest', `relance ${sent}`)).status).toBe(201);
    }
    const kept = await countFeedback();

    const refused = await answer('contest', 'relance 4');

    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ type: LIMIT_REACHED, feedbackLimit: 3 });
    expect(refused.body.detail).toMatch(/^Vous avez déjà contesté cette proposition 3 fois/);
    expect(await countFeedback()).toBe(kept);
    // The contests used none of the other answers: the person may still say what they think.
    expect((await answer('not_interested')).status).toBe(201);
  });

  it('counts only the contests no reply answered: a person whose contests were answered may contest again', async () => {
    const { set, itemId, answer } = await publishedToAnswer('js-contest-again');
    for (let sent = 1; sent <= 3; sent += 1) {
      expect((await answer('contest', `relance ${sent}`)).status).toBe(201);
    }
    const reply = await t.http
      .post(`/v1/recommendations/${set.id}/items/${itemId}/contest-reply`)
      .auth(counselor, { type: 'bearer' })
      .send({ message: 'J’ai revu cette formation : elle reste adaptée.' });
    expect(reply.status).toBe(201);
    expect(reply.body.answeredContests).toBe(3);

    for (let sent = 1; sent <= 3; sent += 1) {
      expect((await answer('contest', `pas convaincu ${sent}`)).status).toBe(201);
    }
    const refused = await answer('contest', 'pas convaincu 4');

    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: LIMIT_REACHED, feedbackLimit: 3 });
  });
});
