import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_DEPTH } from '../../src/http/refuse-deep-bodies.ts';
import { aJobSeeker } from '../support/builders.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const PROBLEMS = 'https://aiguillage.example/problems/';

/** A JSON list `depth` levels deep: `[[…]]`. */
const nestedList = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/**
 * A JSON body nested a few thousand levels deep fits easily in the 100 kB JSON limit. Walked by
 * recursion (the NUL check did, for a GET's body too, which the API otherwise ignores), it overflowed
 * the stack and the request ended in a bare 500, logged as an internal error. Such a body is refused
 * as malformed, whatever the operation.
 */
describe('a deeply nested JSON body', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const deep = `{"a":${nestedList(20_000)}}`; // 40 kB of brackets

  it.each([
    ['a job seeker', 'job_seeker', '/v1/me/recommendations'],
    ['a counselor', 'counselor', '/v1/courses'],
    ['an auditor', 'auditor', '/v1/audit/public-key'],
  ] as const)(
    'sent with a GET by %s is refused with 400 body-too-deep, not a 500',
    async (_who, role, path) => {
      const token = await t.tokenFor(role, 'someone-1');
      const res = await t.http
        .get(path)
        .auth(token, { type: 'bearer' })
        .set('X-Audit-Purpose', 'contrôle périodique')
        .set('Content-Type', 'application/json')
        .send(deep);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        type: `${PROBLEMS}body-too-deep`,
        errors: [
          { path: '/body', message: `nests objects and arrays more than ${MAX_BODY_DEPTH} levels deep` },
        ],
      });
    },
  );

  it(`is refused one level past ${MAX_BODY_DEPTH} on an operation that takes a body, nothing stored; up to it, the contract answers`, async () => {
    const integration = await t.tokenFor('integration', 'svc-crm');
    const putWithSkills = (depth: number) =>
      t.http
        .put('/v1/job-seekers/js-deep')
        .auth(integration, { type: 'bearer' })
        .set('Content-Type', 'application/json')
        .send(
          JSON.stringify({ ...aJobSeeker(), skills: [] }).replace(
            '"skills":[]',
            `"skills":${nestedList(depth)}`,
          ),
        );

    // The object, then the list of skills and its lists: one level more than the bound.
    const refused = await putWithSkills(MAX_BODY_DEPTH);
    expect(refused.status).toBe(400);
    expect(refused.body.type).toBe(`${PROBLEMS}body-too-deep`);
    expect(await t.container.db('job_seekers').where({ id: 'js-deep' }).first()).toBeUndefined();

    const read = await putWithSkills(MAX_BODY_DEPTH - 1);
    expect(read.status).toBe(400);
    expect(read.body.type).toBe(`${PROBLEMS}validation`);
    expect(read.body.errors).toEqual([expect.objectContaining({ path: '/body/skills/0' })]);
  });
});
