import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { createAndPublish, listEventsAbout, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/** Words of the validator's English answers, which no French refusal holds. */
const ENGLISH = /\b(the request|is invalid|must|characters|body)\b/i;

/**
 * A person who writes a comment longer than the contract keeps (a contest, an answer, an objection)
 * is told so in French, as every other refusal of their own call: a portal shows `title` and
 * `detail`. The field errors stay for the portal's developers.
 */
describe('a job seeker’s request the contract refuses, answered in French', () => {
  let t: TestApp;
  let counselor: string;
  let seeker: string;
  let itemId: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
    await syncSeeker(t, 'js-long');
    await createAndPublish(t, counselor, 'js-long', { approve: 1 });
    seeker = await t.tokenFor('job_seeker', 'js-long');
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    itemId = mine.body.items[0].itemId;
  });
  afterAll(() => t.close());

  function expectFrenchRefusal(body: {
    type?: unknown;
    title?: unknown;
    detail?: unknown;
    errors?: unknown;
  }) {
    expect(body.type).toBe('https://aiguillage.example/problems/validation');
    expect(String(body.title)).not.toMatch(ENGLISH);
    expect(String(body.detail)).not.toMatch(ENGLISH);
    expect(String(body.detail)).toMatch(/\b(vous|votre)\b/i);
    expect(body.errors).toEqual([expect.objectContaining({ path: '/body/comment' })]);
  }

  it('tells the person in French that their contest’s comment is too long, and how long it may be', async () => {
    const res = await t.http
      .post(`/v1/me/recommendations/${itemId}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .send({ response: 'contest', comment: 'é'.repeat(1001) });

    expect(res.status).toBe(400);
    expectFrenchRefusal(res.body);
    expect(res.body.detail).toMatch(/1 ?000 caractères/);
  });

  it('tells the person in French that their objection’s comment is too long', async () => {
    const res = await t.http
      .post('/v1/me/objection')
      .auth(seeker, { type: 'bearer' })
      .send({ comment: 'x'.repeat(1001) });

    expect(res.status).toBe(400);
    expectFrenchRefusal(res.body);
  });

  it('tells the person in French that their comment holds a character the service cannot keep', async () => {
    const res = await t.http
      .post('/v1/me/objection')
      .auth(seeker, { type: 'bearer' })
      .send({ comment: 'abc\u0000def' });

    expect(res.status).toBe(400);
    expectFrenchRefusal(res.body);
  });

  /** A refusal before the operation is known (a body too large, or not JSON), told in French all the same. */
  function expectFrenchBodyRefusal(body: { title?: unknown; detail?: unknown }) {
    expect(String(body.title)).not.toMatch(ENGLISH);
    expect(String(body.detail)).not.toMatch(ENGLISH);
    expect(String(body.detail)).toMatch(/\b(vous|votre)\b/i);
  }

  it.each([
    ['an objection', () => '/v1/me/objection', { comment: 'x'.repeat(200_000) }],
    [
      'an answer about a course',
      () => `/v1/me/recommendations/${itemId}/feedback`,
      { response: 'contest', comment: 'x'.repeat(200_000) },
    ],
  ])(
    'tells the person in French that %s their portal sent was too large to take, with the limit, and keeps nothing',
    async (_what, path, body) => {
      const res = await t.http
        .post(path())
        .auth(seeker, { type: 'bearer' })
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));

      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.type).toBe('https://aiguillage.example/problems/payload-too-large');
      expectFrenchBodyRefusal(res.body);
      // The default JSON_BODY_LIMIT, for whoever looks into it; and what to do.
      expect(res.body.detail).toContain('(100 Ko, soit 102\u202f400 octets au plus)');
      expect(res.body.detail).toContain('elle n’a pas été prise en compte. Réessayez');
      const data = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
      expect(data.body.objection).toBeNull();
      expect(data.body.feedback).toEqual([]);
      for (const type of ['objection.recorded', 'feedback.given'] as const) {
        expect(await listEventsAbout(t, 'js-long', type)).toEqual([]);
      }
    },
  );

  it.each([
    ['not JSON', '{"response": "contest", "comment":'],
    ['JSON but not an object', 'null'],
  ])('tells the person in French that what their portal sent could not be read (%s)', async (_what, sent) => {
    const res = await t.http
      .post(`/v1/me/recommendations/${itemId}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .set('Content-Type', 'application/json')
      .send(sent);

    expect(res.status).toBe(400);
    expect(res.body.type).toBe('https://aiguillage.example/problems/malformed-body');
    expectFrenchBodyRefusal(res.body);
  });

  it('tells the person in French that what their portal sent was nested too deeply', async () => {
    const res = await t.http
      .post('/v1/me/objection')
      .auth(seeker, { type: 'bearer' })
      .set('Content-Type', 'application/json')
      .send(`{"comment":${'['.repeat(100)}${']'.repeat(100)}}`);

    expect(res.status).toBe(400);
    expect(res.body.type).toBe('https://aiguillage.example/problems/body-too-deep');
    expectFrenchBodyRefusal(res.body);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '/body' })]);
  });

  it('still answers a counselor’s unreadable or too large body in English', async () => {
    const unreadable = await t.http
      .post('/v1/job-seekers/js-long/objection')
      .auth(counselor, { type: 'bearer' })
      .set('Content-Type', 'application/json')
      .send('{"channel":');
    const tooLarge = await t.http
      .post('/v1/job-seekers/js-long/objection')
      .auth(counselor, { type: 'bearer' })
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ channel: 'phone', comment: 'x'.repeat(200_000) }));

    expect([unreadable.status, unreadable.body.title]).toEqual([400, 'The body is not valid JSON']);
    expect([tooLarge.status, tooLarge.body.title]).toEqual([413, 'The body is too large']);
  });

  it('still answers a counselor’s refused request in the validator’s words', async () => {
    const res = await t.http
      .post('/v1/job-seekers/js-long/objection')
      .auth(counselor, { type: 'bearer' })
      .send({ channel: 'in_person', comment: 'x'.repeat(1001) });

    expect(res.status).toBe(400);
    expect(res.body.title).toBe('The request is invalid');
  });
});
