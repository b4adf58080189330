import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asBytes } from '../support/raw-body.ts';
import type { TestApp } from '../support/test-app.ts';
import { createAndPublish, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/** `{"response":"contest","comment":"Trop loin de mon café"}` with « é » written in Latin-1 (0xE9). */
const LATIN1_CONTEST = Buffer.concat([
  Buffer.from('{"response":"contest","comment":"Trop loin de mon caf'),
  Buffer.from([0xe9]),
  Buffer.from('"}'),
]);

/**
 * A body whose bytes are no text in its charset (a portal or a case-management tool sending Latin-1
 * as UTF-8) was read with U+FFFD in place of each bad byte, and the text kept so for good: the
 * person's contest read « caf� » to their counselor, and the log sealed it altered. It is refused as a
 * body that cannot be read, nothing kept.
 */
describe('a request body whose bytes are not text in its charset', () => {
  let t: TestApp;
  let counselor: string;
  let integration: string;
  let seeker: string;
  let itemId: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
    integration = await t.tokenFor('integration', 'svc-crm');
    await syncSeeker(t, 'js-latin');
    await createAndPublish(t, counselor, 'js-latin', { approve: 1 });
    seeker = await t.tokenFor('job_seeker', 'js-latin');
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    itemId = mine.body.items[0].itemId;
  });
  afterAll(() => t.close());

  it('refuses the person’s contest in French and keeps nothing, rather than keep it with replacement characters', async () => {
    const res = await t.http
      .post(`/v1/me/recommendations/${itemId}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .set('Content-Type', 'application/json')
      .serialize(asBytes)
      .send(LATIN1_CONTEST);

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'https://aiguillage.example/problems/malformed-body',
      title: 'Demande illisible',
    });
    expect(res.body.detail).toMatch(/n’a pas été prise en compte/);
    const data = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
    expect(data.body.feedback).toEqual([]);
  });

  it('tells the case-management tool that its body is not UTF-8, and writes nothing', async () => {
    const res = await t.http
      .put('/v1/job-seekers/js-latin-new')
      .auth(integration, { type: 'bearer' })
      .set('Content-Type', 'application/json; charset=utf-8')
      .serialize(asBytes)
      .send(Buffer.concat([Buffer.from('{"counselorId": "c-0'), Buffer.from([0xe9]), Buffer.from('01"}')]));

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      type: 'https://aiguillage.example/problems/malformed-body',
      title: 'The body is not valid UTF-8',
    });
    expect(res.body.detail).toMatch(/send it encoded in UTF-8/);
    const file = await t.http.get('/v1/job-seekers/js-latin-new').auth(counselor, { type: 'bearer' });
    expect(file.status).toBe(404);
  });

  it('still reads a body sent in UTF-16 as its charset says', async () => {
    const text = JSON.stringify({ response: 'interested', comment: 'Près de chez moi' });
    const res = await t.http
      .post(`/v1/me/recommendations/${itemId}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .set('Content-Type', 'application/json; charset=utf-16le')
      .serialize(asBytes)
      .send(Buffer.from(text, 'utf16le'));

    expect(res.status).toBe(201);
    expect(res.body.comment).toBe('Près de chez moi');
  });
});
