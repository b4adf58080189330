import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCourse } from '../support/builders.ts';
import { trackAppended } from '../support/logged-text-refusals.ts';
import type { TestApp } from '../support/test-app.ts';
import { act, createAndPublish, createSet, decide, readSet } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const PROBLEMS = 'https://aiguillage.example/problems/';

/**
 * A text sent with a control that embeds, overrides or isolates a run of text in another direction
 * (U+202A to U+202E, U+2066 to U+2069) was stored and shown as sent, so that it displayed in another
 * order than written: `\u202Eevorppa` reads "approve". Such a text is refused, naming the field, the
 * character and where it is, and nothing is written.
 */
describe('a text holding a direction control', () => {
  let t: TestApp;
  let counselor: string;
  let admin: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
    admin = await t.tokenFor('admin', 'ops-1');
  });
  afterAll(() => t.close());

  it('is refused as a rejection comment, naming the field, the character and its position; the item stays pending', async () => {
    const { set } = await createSet(t, counselor, 'js-1');
    const { etag, set: opened } = await readSet(t, counselor, set.id);
    const itemId = opened.items[0]?.itemId ?? '';
    const { result: res, appended } = await trackAppended(t, () =>
      decide(t, counselor, set.id, itemId, etag, {
        decision: 'reject',
        reasonCode: 'other',
        comment: 'Trop loin \u202Eeénimod',
      }),
    );
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: `${PROBLEMS}invalid-input`,
      field: 'comment',
      character: 'U+202E',
      position: 11,
      detail:
        'comment holds U+202E (RIGHT-TO-LEFT OVERRIDE) at character 11, a control that makes the text display in another order than it is written: remove it',
    });
    expect(appended).toEqual([]);
    expect((await readSet(t, counselor, set.id)).etag).toBe(etag);
  });

  it('is refused as the message of a publication, an isolate as an override', async () => {
    const { set } = await createSet(t, counselor, 'js-1');
    const { etag } = await readSet(t, counselor, set.id);
    const res = await act(t, counselor, set.id, 'publish', etag, { message: 'Bonjour \u2067ceci\u2069' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ field: 'message', character: 'U+2067', position: 9 });
  });

  it('is refused in French in a comment the person writes on their portal', async () => {
    const published = await createAndPublish(t, counselor, 'js-1', { approve: 1 });
    const approved = published.items.find((item) => item.decision === 'approved');
    const res = await t.http
      .post(`/v1/me/recommendations/${approved?.itemId}/feedback`)
      .auth(await t.tokenFor('job_seeker', 'js-1'), { type: 'bearer' })
      .send({ response: 'not_interested', comment: '😀 \u202Bà l’envers' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      title: 'Caractère invisible à retirer',
      field: 'comment',
      character: 'U+202B',
      position: 3,
    });
    expect(res.body.detail).toMatch(/^Votre commentaire contient, en position 3, un caractère invisible/);
  });

  it('is refused as a course title or provider, and the course is not written', async () => {
    const res = await t.http
      .put('/v1/courses/BIDI-1')
      .auth(admin, { type: 'bearer' })
      .send(aCourse({ provider: 'IFSI \u202DLyon' }));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ field: 'provider', character: 'U+202D', position: 6 });
    expect((await t.http.get('/v1/courses/BIDI-1').auth(counselor, { type: 'bearer' })).status).toBe(404);
  });

  it('leaves alone the marks that order the characters beside them (U+200E, U+200F)', async () => {
    const res = await t.http
      .put('/v1/courses/BIDI-2')
      .auth(admin, { type: 'bearer' })
      .send(aCourse({ title: 'Arabe \u200Fعربي\u200E débutant' }));
    expect(res.status).toBe(201);
  });
});
