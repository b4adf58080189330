import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCourse } from '../support/builders.ts';
import type { TestApp } from '../support/test-app.ts';
import { aWorkflowSeeker, createAndPublish, createSet, decide, readSet } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const UNSTORABLE_REASON =
  'must not contain a NUL character (U+0000) or half of a character cut in two (a lone surrogate)';

/**
 * PostgreSQL stores no NUL character in text: a comment holding one was a 500 there and stored on
 * SQLite. Every text the API takes refuses it on both engines, naming where, before any write.
 */
describe('a NUL character in text', () => {
  let t: TestApp;
  let counselor: string;
  let admin: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
    admin = await t.tokenFor('admin', 'ops-1');
  });
  afterAll(() => t.close());

  function expectRefusal(
    res: { status: number; headers: Record<string, string>; body: unknown },
    path: string,
  ) {
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, errors: [{ path, message: UNSTORABLE_REASON }] });
  }

  it('is refused in a decision’s comment, and the item stays undecided', async () => {
    const { set: created } = await createSet(t, counselor, 'js-1', { limit: 1 });
    const { set, etag } = await readSet(t, counselor, created.id);
    const item = set.items[0];
    if (item === undefined) throw new Error('one item expected');

    const res = await decide(t, counselor, set.id, item.itemId, etag, {
      decision: 'reject',
      reasonCode: 'not_matching_project',
      comment: 'trop loin\u0000',
    });

    expectRefusal(res, '/body/comment');
    const read = await t.http.get(`/v1/recommendations/${set.id}`).auth(counselor, { type: 'bearer' });
    expect(read.body.items[0]).toMatchObject({ decision: 'pending', comment: null });
    expect(read.headers.etag).toBe(etag);
  });

  it('is refused in a job seeker’s feedback, and no feedback is stored', async () => {
    const published = await createAndPublish(t, counselor, 'js-1');
    const item = published.items.find((candidate) => candidate.decision === 'approved');
    if (item === undefined) throw new Error('an approved item expected');
    const seeker = await t.tokenFor('job_seeker', 'js-1');

    const res = await t.http
      .post(`/v1/me/recommendations/${item.itemId}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .send({ response: 'interested', comment: 'a\u0000b' });

    expectRefusal(res, '/body/comment');
    expect(await t.container.db('feedback').where({ item_id: item.itemId })).toEqual([]);
  });

  it('is refused in a profile the case-management system sends, naming the item of a list', async () => {
    const integration = await t.tokenFor('integration', 'crm');
    const res = await t.http
      .put('/v1/job-seekers/js-nul')
      .auth(integration, { type: 'bearer' })
      .send(aWorkflowSeeker({ skills: ['accueil', 'caisse\u0000'] }));

    expectRefusal(res, '/body/skills/1');
    expect(await t.container.db('job_seekers').where({ id: 'js-nul' })).toEqual([]);
  });

  it('is refused in the catalog search', async () => {
    const res = await t.http.get('/v1/courses').query({ q: 'aide\u0000soignant' }).auth(counselor, {
      type: 'bearer',
    });

    expectRefusal(res, '/query/q');
  });

  it('is refused in a course, sent alone or in an import, and nothing is written', async () => {
    const alone = await t.http
      .put('/v1/courses/NUL-1')
      .auth(admin, { type: 'bearer' })
      .send(aCourse({ title: 'Soudeur\u0000' }));
    expectRefusal(alone, '/body/title');

    const lines = [
      { id: 'NUL-2', ...aCourse() },
      { id: 'NUL-3', ...aCourse({ provider: 'AFPA\u0000', skills: ['soudure\u0000'] }) },
    ];
    const imported = await t.http
      .post('/v1/courses/import')
      .auth(admin, { type: 'bearer' })
      .set('Content-Type', 'application/x-ndjson')
      .send(`${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    expect(imported.status).toBe(422);
    expect(imported.body.lineErrors).toEqual([
      { line: 2, field: 'provider', reason: UNSTORABLE_REASON },
      { line: 2, field: 'skills[0]', reason: UNSTORABLE_REASON },
    ]);
    expect(await t.container.db('courses').whereIn('id', ['NUL-1', 'NUL-2', 'NUL-3'])).toEqual([]);
  });
});

/**
 * A text cut by UTF-16 units (a form's maxlength) can end on half of an emoji, sent in JSON as
 * `\ud83d`. PostgreSQL's driver stored it as one U+FFFD, SQLite's as three (a 300-character title
 * read back as 302), while the log kept it as sent and PostgreSQL's model-version filter could not
 * read that event's JSON. It is refused as a NUL is, on both engines, before anything is written.
 */
describe('half of a character cut in two in text', () => {
  let t: TestApp;
  let admin: string;
  const cutEmoji = 'Aide-soignant 😀'.slice(0, -1);

  beforeAll(async () => {
    ({ t } = await startWorkflowApp());
    admin = await t.tokenFor('admin', 'ops-1');
  });
  afterAll(() => t.close());

  it('is refused in a course, sent alone or in an import, naming where, and nothing is written', async () => {
    const alone = await t.http
      .put('/v1/courses/CUT-1')
      .auth(admin, { type: 'bearer' })
      .send(aCourse({ title: cutEmoji }));
    expect(alone.status).toBe(400);
    expect(alone.body).toMatchObject({ errors: [{ path: '/body/title', message: UNSTORABLE_REASON }] });

    const imported = await t.http
      .post('/v1/courses/import')
      .auth(admin, { type: 'bearer' })
      .set('Content-Type', 'application/x-ndjson')
      .send(`${JSON.stringify({ id: 'CUT-2', ...aCourse({ provider: cutEmoji }) })}\n`);
    expect(imported.status).toBe(422);
    expect(imported.body.lineErrors).toEqual([{ line: 1, field: 'provider', reason: UNSTORABLE_REASON }]);
    expect(await t.container.db('courses').whereIn('id', ['CUT-1', 'CUT-2'])).toEqual([]);
  });

  it('is taken when whole: an emoji is one character of a title', async () => {
    const res = await t.http
      .put('/v1/courses/CUT-3')
      .auth(admin, { type: 'bearer' })
      .send(aCourse({ title: 'Aide-soignant 😀' }));
    expect(res.status).toBe(201);
    const read = await t.http.get('/v1/courses/CUT-3').auth(admin, { type: 'bearer' });
    expect(read.body.title).toBe('Aide-soignant 😀');
  });
});
