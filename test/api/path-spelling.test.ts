import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../src/auth/principal.ts';
import { unknownPathProblem } from '../../src/http/problem.ts';
import { type DocumentedOperation, listDocumentedOperations } from '../support/openapi-operations.ts';
import { withoutInstance } from '../support/problem-body.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const PURPOSE = 'quarterly oversight review';

/**
 * The API's paths are the contract's, spelled as it writes them (in lower case): a path in capitals
 * is no path of the API, answered as any path it does not have. One trailing slash is taken as the
 * path without it; a doubled slash makes a path the API does not have.
 */
describe('paths spelled otherwise than the contract', () => {
  let t: TestApp;
  let everyRole: string;

  beforeAll(async () => {
    t = await startTestApp();
    everyRole = await t.tokenFor([...ROLES], 'c-001');
  });
  afterAll(() => t.close());

  function send(op: DocumentedOperation, path: string, token: string | undefined) {
    const req = t.http[op.method](path).set('X-Audit-Purpose', PURPOSE);
    return token === undefined ? req : req.auth(token, { type: 'bearer' });
  }

  /** The answer to a path the API does not have, as `test/api/unknown-path.test.ts` reads it. */
  function expectUnknownPath(
    res: { status: number; headers: Record<string, string>; body: object },
    path: string,
  ) {
    expect(res.status, path).toBe(404);
    expect(res.headers['content-type'], path).toMatch(/^application\/problem\+json/);
    expect(withoutInstance(res.body), path).toEqual(unknownPathProblem(path));
  }

  it('answers every operation of the contract, its path in capitals, as a path the API does not have', async () => {
    for (const op of listDocumentedOperations()) {
      const path = op.samplePath.toUpperCase();
      for (const token of [everyRole, undefined]) {
        const res = await send(op, path, token);
        expectUnknownPath(res, path);
      }
    }
  });

  it('answers a path with a single letter in capitals as a path the API does not have', async () => {
    const seeker = await t.tokenFor('job_seeker', 'js-1');
    for (const path of [
      '/V1/settings',
      '/v1/Settings',
      '/v1/me/Recommendations',
      '/Healthz',
      '/openapi.JSON',
    ]) {
      const res = await t.http.get(path).auth(seeker, { type: 'bearer' });
      expectUnknownPath(res, path);
    }
  });

  // One test for each: an operation's first call compiles its schemas, seconds for the walk.
  it.each(listDocumentedOperations())(
    'answers $method $template, its path ending with a slash, as it answers the path without it',
    async (op) => {
      const plain = await send(op, op.samplePath, everyRole);
      const slashed = await send(op, `${op.samplePath}/`, everyRole);
      expect(slashed.status).toBe(plain.status);
      expect(slashed.headers['content-type']).toBe(plain.headers['content-type']);
      expect((slashed.body as { type?: string }).type).toBe((plain.body as { type?: string }).type);
    },
  );

  it('answers every operation, its path with a slash doubled, as a path the API does not have', async () => {
    for (const op of listDocumentedOperations()) {
      const at = op.samplePath.lastIndexOf('/');
      for (const path of [
        `/${op.samplePath}`,
        `${op.samplePath.slice(0, at)}/${op.samplePath.slice(at)}`,
        `${op.samplePath}//`,
      ]) {
        const res = await send(op, path, everyRole);
        expectUnknownPath(res, path);
      }
    }
  });
});
