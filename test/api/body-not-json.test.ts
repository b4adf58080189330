import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const ADVICE = 'send one JSON object, its names and texts in double quotes, no comma after the last member';

/**
 * A case-management tool whose request body is not JSON (a comma left after the last member, a
 * brace missing) learns where it breaks and how to write it: "could not be parsed" sent its
 * developer searching the whole body.
 */
describe('a request body that is not valid JSON', () => {
  let t: TestApp;
  let integration: string;

  beforeAll(async () => {
    t = await startTestApp();
    integration = await t.tokenFor('integration', 'svc-crm');
  });
  afterAll(() => t.close());

  function syncWith(body: string) {
    return t.http
      .put('/v1/job-seekers/js-json')
      .auth(integration, { type: 'bearer' })
      .set('Content-Type', 'application/json')
      .send(body);
  }

  it('says at which line and column the body stops being JSON, and how to send it', async () => {
    const res = await syncWith('{\n  "counselorId": "c-001",\n  "educationLevel": 3,\n}');

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'https://aiguillage.example/problems/malformed-body',
      title: 'The body is not valid JSON',
      detail: `the request body is not valid JSON, where it breaks at line 4, column 1: ${ADVICE}`,
    });
  });

  it('says that a body cut short ends before its last value is complete', async () => {
    const res = await syncWith('{"counselorId": ');

    expect(res.status).toBe(400);
    expect(res.body.detail).toBe(
      `the request body is not valid JSON, where it ends before its last value is complete: ${ADVICE}`,
    );
  });

  it('never repeats the text of the body in the refusal', async () => {
    const res = await syncWith('{"counselorId": enceinte}');

    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/^the request body is not valid JSON/);
    expect(JSON.stringify(res.body)).not.toContain('enceinte');
  });
});
