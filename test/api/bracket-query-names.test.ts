import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../src/auth/principal.ts';
import { trackAppended } from '../support/logged-text-refusals.ts';
import { listDocumentedOperations } from '../support/openapi-operations.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const PURPOSE = 'quarterly oversight review';
const BRACKETS = /names hold no brackets/;

/**
 * Lists are written repeated or comma-separated; a query name with brackets (`status[]`, as some
 * client libraries write lists) is none of the contract's parameters, and is refused naming it.
 */
describe('query parameter names written with brackets', () => {
  let t: TestApp;
  let counselor: string;
  let auditor: string;

  beforeAll(async () => {
    t = await startTestApp();
    counselor = await t.tokenFor('counselor', 'c-001');
    auditor = await t.tokenFor('auditor', 'dpo-1');
  });
  afterAll(() => t.close());

  it('refuses the queue’s status filter written with brackets with 400 naming it, whatever the brackets hold', async () => {
    for (const name of ['status[x]', 'status[]', 'status[0]', 'status]']) {
      const res = await t.http
        .get(`/v1/recommendations?${encodeURIComponent(name)}=published`)
        .auth(counselor, { type: 'bearer' });
      expect(res.status, name).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: 'https://aiguillage.example/problems/validation' });
      expect(res.body.errors).toEqual([{ path: `/query/${name}`, message: expect.stringMatching(BRACKETS) }]);
    }
  });

  it('refuses the log’s type filter written with brackets, in a listing or an export, and logs no query', async () => {
    for (const path of ['/v1/audit/events', '/v1/audit/events/export']) {
      for (const name of ['type[x]', 'type[]', 'type[0]']) {
        const { result: res, appended } = await trackAppended(t, () =>
          t.http
            .get(`${path}?${name}=recommendation.published`)
            .auth(auditor, { type: 'bearer' })
            .set('X-Audit-Purpose', PURPOSE),
        );
        expect(res.status, `${path} ${name}`).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.errors).toEqual([
          { path: `/query/${name}`, message: expect.stringMatching(BRACKETS) },
        ]);
        expect(appended).toEqual([]);
      }
    }
  });

  it('refuses a bracketed name on every operation, those that take no query parameter included', async () => {
    const everyRole = await t.tokenFor([...ROLES], 'c-001');
    for (const op of listDocumentedOperations()) {
      const res = await t.http[op.method](`${op.samplePath}?filter[x]=1`)
        .auth(everyRole, { type: 'bearer' })
        .set('X-Audit-Purpose', PURPOSE);
      const label = `${op.method.toUpperCase()} ${op.template}`;
      expect(res.status, label).toBe(400);
      expect(res.headers['content-type'], label).toMatch(/^application\/problem\+json/);
      expect(res.body.errors, label).toEqual([
        { path: '/query/filter[x]', message: expect.stringMatching(BRACKETS) },
      ]);
    }
  });

  it('refuses them on the pages served apart from the validator alike: the contract and its documentation', async () => {
    for (const path of ['/openapi.json', '/docs/', '/docs/swagger-ui-init.js']) {
      const res = await t.http.get(`${path}?status[]=x`);
      expect(res.status, path).toBe(400);
      expect(res.headers['content-type'], path).toMatch(/^application\/problem\+json/);
    }
  });

  it('answers 401 to a request without a valid token, whatever bracketed names its query holds', async () => {
    const secured = listDocumentedOperations().filter((op) => op.roles !== undefined);
    for (const op of secured) {
      for (const query of ['status[]=x', 'a[b]=1']) {
        for (const token of [undefined, 'not-a-token']) {
          const req = t.http[op.method](`${op.samplePath}?${query}`).set('X-Audit-Purpose', PURPOSE);
          const res = await (token === undefined ? req : req.auth(token, { type: 'bearer' }));
          const label = `${op.method.toUpperCase()} ${op.template}?${query} ${token ?? 'no token'}`;
          expect(res.status, label).toBe(401);
          expect(res.headers['content-type'], label).toMatch(/^application\/problem\+json/);
          expect(res.headers['www-authenticate'], label).toMatch(/^Bearer /);
        }
      }
    }
  });

  it('answers 403 to a role the operation refuses before looking at the bracketed names', async () => {
    const seeker = await t.tokenFor('job_seeker', 'js-1');
    for (const query of ['status[]=x', 'a[b]=1']) {
      const res = await t.http.get(`/v1/recommendations?${query}`).auth(seeker, { type: 'bearer' });
      expect(res.status, query).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('names the bracketed parameter in a 400 to a caller whose token is valid', async () => {
    for (const [query, name] of [
      ['status[]=x', 'status[]'],
      ['a[b]=1', 'a[b]'],
    ] as const) {
      const res = await t.http.get(`/v1/recommendations?${query}`).auth(counselor, { type: 'bearer' });
      expect(res.status, query).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors).toEqual([{ path: `/query/${name}`, message: expect.stringMatching(BRACKETS) }]);
    }
  });
});
