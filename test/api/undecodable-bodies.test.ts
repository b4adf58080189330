import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * A body the JSON reader cannot decode (an unsupported charset or Content-Encoding) is refused 415
 * by the operations that take a body, which declare it; the others answer it as any body they do not
 * take, and every operation checks the caller first.
 */
describe('a body the JSON reader cannot decode', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.tokenFor(['admin', 'counselor'], 'ops-1');
  });
  afterAll(() => t.close());

  it.each([
    ['get', '/v1/settings', 'application/json; charset=latin1', undefined, 200],
    ['get', '/v1/courses', 'application/json', 'compress', 200],
    ['delete', '/v1/job-seekers/js-none', 'application/json; charset=latin1', undefined, 400],
  ] as const)(
    'is answered on %s %s as any body the operation does not take, not 415',
    async (method, path, type, encoding, status) => {
      let call = t.http[method](path).auth(admin, { type: 'bearer' }).set('Content-Type', type);
      // Erasure's request reference given: what is refused is the body alone.
      if (method === 'delete') call = call.set('X-Erasure-Request', 'ERASE-2026-0001');
      if (encoding !== undefined) call = call.set('Content-Encoding', encoding);
      const res = await call.send(Buffer.from('{"a":1}'));
      expect(res.status).toBe(status);
      if (status === 400) expect(res.body.errors).toEqual([expect.objectContaining({ path: '/body' })]);
    },
  );

  it('is refused 415 by an operation that takes a body, naming the charset', async () => {
    const res = await t.http
      .put('/v1/settings')
      .auth(admin, { type: 'bearer' })
      .set('If-Match', '"1"')
      .set('Content-Type', 'application/json; charset=latin1')
      .send(Buffer.from('{"aiEnabled":true}'));
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toMatch(/charset/i);
  });

  it('is answered 401 without a valid token, whatever its charset', async () => {
    const res = await t.http
      .put('/v1/settings')
      .set('Content-Type', 'application/json; charset=latin1')
      .send(Buffer.from('{"aiEnabled":true}'));
    expect(res.status).toBe(401);
  });
});
