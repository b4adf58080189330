import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { createAndPublish, createSet, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/** The job seeker's answers reach the counselor: what `POST /v1/me/recommendations/{itemId}/feedback` is for. */
describe("the job seeker's answers, read by the counselor with the set", () => {
  let t: TestApp;
  let counselor: string;
  let otherCounselor: string;

  beforeAll(async () => {
    ({ t, counselor, otherCounselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  const readFeedback = (token: string, setId: string) =>
    t.http.get(`/v1/recommendations/${setId}/feedback`).auth(token, { type: 'bearer' });

  it('lists each answer with its item, response and comment, oldest first', async () => {
    await syncSeeker(t, 'js-answers');
    const set = await createAndPublish(t, counselor, 'js-answers', { approve: 2 });
    const [first, second] = set.items.filter((item) => item.decision === 'approved');
    const seeker = await t.tokenFor('job_seeker', 'js-answers');
    const answer = (itemId: string, body: object) =>
      t.http.post(`/v1/me/recommendations/${itemId}/feedback`).auth(seeker, { type: 'bearer' }).send(body);
    expect((await answer(String(first?.itemId), { response: 'interested' })).status).toBe(201);
    expect(
      (
        await answer(String(second?.itemId), {
          response: 'not_interested',
          comment: 'Je n’ai pas le permis B',
        })
      ).status,
    ).toBe(201);

    const res = await readFeedback(counselor, set.id);

    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({ itemId: first?.itemId, response: 'interested', comment: null }),
      expect.objectContaining({
        itemId: second?.itemId,
        response: 'not_interested',
        comment: 'Je n’ai pas le permis B',
      }),
    ]);
  });

  it('names the course of each answer, as the set keeps it', async () => {
    await syncSeeker(t, 'js-answer-course');
    const set = await createAndPublish(t, counselor, 'js-answer-course', { approve: 1 });
    const approved = set.items.find((item) => item.decision === 'approved');
    const seeker = await t.tokenFor('job_seeker', 'js-answer-course');
    const sent = await t.http
      .post(`/v1/me/recommendations/${approved?.itemId}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .send({ response: 'enrolled' });
    expect(sent.status).toBe(201);

    const res = await readFeedback(counselor, set.id);

    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        itemId: approved?.itemId,
        courseId: approved?.course.id,
        title: approved?.course.title,
        response: 'enrolled',
      }),
    ]);
  });

  it('shows the counselor a suggestion the job seeker contested', async () => {
    await syncSeeker(t, 'js-contest');
    const set = await createAndPublish(t, counselor, 'js-contest', { approve: 1 });
    const approved = set.items.find((item) => item.decision === 'approved');
    const seeker = await t.tokenFor('job_seeker', 'js-contest');
    const sent = await t.http
      .post(`/v1/me/recommendations/${approved?.itemId}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .send({ response: 'contest', comment: 'Je ne comprends pas pourquoi on me propose cela' });
    expect(sent.status).toBe(201);

    const res = await readFeedback(counselor, set.id);

    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({ itemId: approved?.itemId, response: 'contest' }),
    ]);
  });

  it('is empty for a set not yet published', async () => {
    await syncSeeker(t, 'js-no-answer-yet');
    const { set } = await createSet(t, counselor, 'js-no-answer-yet');
    const res = await readFeedback(counselor, set.id);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });

  it("answers another counselor 404, as for a missing set, and gives them none of the person's words", async () => {
    await syncSeeker(t, 'js-private-answers');
    const set = await createAndPublish(t, counselor, 'js-private-answers', { approve: 1 });
    const res = await readFeedback(otherCounselor, set.id);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await readFeedback(counselor, '01a2aaaa-0000-7000-8000-000000000000')).status).toBe(404);
  });
});
