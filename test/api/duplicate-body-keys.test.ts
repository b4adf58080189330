import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asBytes } from '../support/raw-body.ts';
import type { TestApp } from '../support/test-app.ts';
import { createSet, readSet } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const PROBLEMS = 'https://aiguillage.example/problems/';

/**
 * The JSON reader kept the last value of a key given twice, so a reviewer's decision sent as
 * `{"decision":"approve","decision":"reject"}` was a rejection, where a reader keeping the first would
 * approve. Such a body is refused before any handler runs, naming the key and where it is.
 */
describe('a body with a duplicated key', () => {
  let t: TestApp;
  let counselor: string;
  let admin: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
    admin = await t.tokenFor('admin', 'ops-1');
  });
  afterAll(() => t.close());

  it('is refused naming it, and the item stays pending', async () => {
    const { set } = await createSet(t, counselor, 'js-1');
    const { etag, set: opened } = await readSet(t, counselor, set.id);
    const itemId = opened.items[0]?.itemId;
    const res = await t.http
      .post(`/v1/recommendations/${set.id}/items/${itemId}/decision`)
      .auth(counselor, { type: 'bearer' })
      .set('If-Match', etag)
      .set('Content-Type', 'application/json')
      .send('{"decision":"approve","decision":"reject","reasonCode":"too_far"}');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: `${PROBLEMS}malformed-body`,
      detail: expect.stringContaining('the key "decision" more than once in the top-level object'),
      errors: [
        { path: '/body/decision', message: 'is given more than once in the top-level object: give it once' },
      ],
    });
    const after = await readSet(t, counselor, set.id);
    expect(after.set.items.find((item) => item.itemId === itemId)?.decision).toBe('pending');
    expect(after.etag).toBe(etag);
  });

  it('is refused naming the object it is in when nested in a list', async () => {
    const res = await t.http
      .put('/v1/occupations')
      .auth(admin, { type: 'bearer' })
      .set('Content-Type', 'application/json')
      .send('{"items":[{"code":"A1101","label":"Conduite"},{"code":"A1102","label":"a","label":"b"}]}');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        path: '/body/items/1/label',
        message: 'is given more than once in the object at /items/1: give it once',
      },
    ]);
    const list = await t.http.get('/v1/occupations').auth(admin, { type: 'bearer' });
    expect(list.body.items).toEqual([]);
  });

  it('is refused when one of the two spellings of the key is escaped', async () => {
    const res = await t.http
      .put('/v1/occupations')
      .auth(admin, { type: 'bearer' })
      .set('Content-Type', 'application/json')
      .send('{"items":[],"\\u0069tems":[{"code":"A1101","label":"Conduite"}]}');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { path: '/body/items', message: 'is given more than once in the top-level object: give it once' },
    ]);
  });

  it('is refused before the caller is checked, as a body that is not JSON', async () => {
    const res = await t.http
      .put('/v1/settings')
      .set('Content-Type', 'application/json')
      .send('{"aiEnabled":true,"aiEnabled":false}');
    expect(res.status).toBe(400);
    expect(res.body.type).toBe(`${PROBLEMS}malformed-body`);
  });

  it('is refused in French on the person’s own calls', async () => {
    const person = await t.tokenFor('job_seeker', 'js-1');
    const res = await t.http
      .post('/v1/me/objection')
      .auth(person, { type: 'bearer' })
      .set('Content-Type', 'application/json')
      .send('{"comment":"a","comment":"b"}');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      type: `${PROBLEMS}malformed-body`,
      title: 'Demande illisible',
      errors: [{ path: '/body/comment' }],
    });
  });

  it('leaves a body whose keys repeat only across objects alone', async () => {
    const res = await t.http
      .put('/v1/occupations')
      .auth(admin, { type: 'bearer' })
      .set('Content-Type', 'application/json')
      .send('{"items":[{"code":"A1101","label":"Conduite"},{"code":"A1102","label":"Élevage"}]}');
    expect(res.status).toBe(200);
  });

  it('is read in UTF-16 as in UTF-8', async () => {
    const res = await t.http
      .put('/v1/occupations')
      .auth(admin, { type: 'bearer' })
      .set('Content-Type', 'application/json; charset=utf-16le')
      .serialize(asBytes)
      .send(Buffer.from('{"items":[],"items":[]}', 'utf16le'));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '/body/items' })]);
  });

  it('is refused 415 in a charset it cannot be read in again to be checked, naming the charset', async () => {
    const res = await t.http
      .put('/v1/occupations')
      .auth(admin, { type: 'bearer' })
      .set('Content-Type', 'application/json; charset=utf-32le')
      .serialize(asBytes)
      .send(Buffer.from(new Uint32Array([...'{"items":[]}'].map((c) => c.charCodeAt(0))).buffer));
    expect(res.status).toBe(415);
    expect(res.body.detail).toMatch(/UTF-32LE/);
  });
});
