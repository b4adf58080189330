import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { createAndPublish, createSet, syncSeeker, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/** The job seeker's answers reach the counselor: what `POST /v1/me/recommendations/{itemId}/feedback` is for. */
describe("the job seeker's answers, read by the counselor with the set", () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  const readFeedback = (token: string, setId: string, query: Record<string, string | number> = {}) =>
    t.http.get(`/v1/recommendations/${setId}/feedback`).query(query).auth(token, { type: 'bearer' });

  /** A published set of `seekerId` with `approve` approved items, and a way for the person to answer. */
  async function publishedToAnswer(seekerId: string, approve: number) {
    await syncSeeker(t, seekerId);
    const set = await createAndPublish(t, counselor, seekerId, { approve });
    const seeker = await t.tokenFor('job_seeker', seekerId);
    const answer = (itemId: string, body: object) =>
      t.http.post(`/v1/me/recommendations/${itemId}/feedback`).auth(seeker, { type: 'bearer' }).send(body);
    return { set, items: set.items.filter((item) => item.decision === 'approved'), answer };
  }

  const countRows = async (table: string, where: Record<string, string>) =>
    Number((await t.container.db(table).where(where).count({ n: '*' }))[0]?.n);

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

  it('keeps at most 10 answers per course from the person: the 11th is refused (409 feedback-limit-reached), neither stored nor logged', async () => {
    const { items, answer } = await publishedToAnswer('js-answer-loop', 2);
    const [first, second] = items;
    for (let sent = 1; sent <= 10; sent += 1) {
      const response = sent % 2 === 0 ? 'not_interested' : 'interested';
      expect((await answer(String(first?.itemId), { response, comment: `relance ${sent}` })).status).toBe(
        201,
      );
    }
    const loggedBefore = await countRows('decision_events', { type: 'feedback.given' });

    const refused = await answer(String(first?.itemId), { response: 'interested', comment: 'relance 11' });

    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({
      type: 'https://aiguillage.example/problems/feedback-limit-reached',
      feedbackLimit: 10,
    });
    expect(await countRows('feedback', { item_id: String(first?.itemId) })).toBe(10);
    expect(await countRows('decision_events', { type: 'feedback.given' })).toBe(loggedBefore);
    // The limit is per course: the person may still answer about another one.
    expect((await answer(String(second?.itemId), { response: 'interested' })).status).toBe(201);
  });

  it("gives the set's answers in pages, oldest first, each page's cursor leading to the next", async () => {
    const { set, items, answer } = await publishedToAnswer('js-answer-pages', 2);
    const sent: string[] = [];
    for (let index = 0; index < 12; index += 1) {
      clock.advance(1000);
      const res = await answer(String(items[index % 2]?.itemId), {
        response: 'interested',
        comment: `n° ${index}`,
      });
      expect(res.status).toBe(201);
      sent.push(res.body.id);
    }

    const pages: Array<{ items: Array<{ id: string }>; nextCursor: string | null }> = [];
    let cursor: string | undefined;
    do {
      const res = await readFeedback(counselor, set.id, {
        limit: 5,
        ...(cursor === undefined ? {} : { cursor }),
      });
      expect(res.status).toBe(200);
      pages.push(res.body);
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor !== undefined && pages.length < 10);

    expect(pages.map((page) => page.items.length)).toEqual([5, 5, 2]);
    expect(pages.flatMap((page) => page.items.map((item) => item.id))).toEqual(sent);
    const whole = await readFeedback(counselor, set.id);
    expect(whole.body).toMatchObject({ nextCursor: null });
    expect(whole.body.items.map((item: { id: string }) => item.id)).toEqual(sent);
  });

  it("refuses a cursor of another set's answers (400 naming /query/cursor)", async () => {
    const { set, items, answer } = await publishedToAnswer('js-answer-cursor', 1);
    for (let index = 0; index < 2; index += 1) {
      expect((await answer(String(items[0]?.itemId), { response: 'interested' })).status).toBe(201);
    }
    const other = await publishedToAnswer('js-answer-cursor-2', 1);
    const first = await readFeedback(counselor, set.id, { limit: 1 });
    expect(first.body.nextCursor).toEqual(expect.any(String));

    const res = await readFeedback(counselor, other.set.id, { cursor: first.body.nextCursor });

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '/query/cursor' })]);
  });
});
