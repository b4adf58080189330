import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/auth/principal.ts';
import { type DocumentedOperation, listDocumentedOperations } from '../support/openapi-operations.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { ERASURE_REQUEST, newIdempotencyKey } from '../support/workflow.ts';

const changing = listDocumentedOperations().filter(
  (op) => op.method !== 'get' && op.roles !== undefined && op.roles.length > 0,
);
const bodyless = changing.filter((op) => !op.takesBody);
const withBody = changing.filter((op) => op.takesBody);

/** A valid value for each header a body-less operation requires, so that only its body is wrong. */
const SAMPLE_HEADERS: Record<string, () => string> = {
  'Idempotency-Key': newIdempotencyKey,
  'X-Erasure-Request': () => ERASURE_REQUEST,
};

/** Bodies a client might send believing they are read. */
const BODIES: ReadonlyArray<readonly [string, string, string]> = [
  ['a JSON object', 'application/json', '{"comment": "merci", "limit": 3}'],
  ['a JSON array', 'application/json', '[]'],
  ['plain text', 'text/plain', 'limit=3'],
];

const isNoBodyRefusal = (body: { errors?: Array<{ path: string; message: string }> }) =>
  body.errors?.some((error) => error.path === '/body' && /takes no request body/.test(error.message)) ??
  false;

describe('operations that take no request body', () => {
  let t: TestApp;
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    for (const role of ROLES) tokens.set(role, await t.tokenFor(role, `${role}-1`));
  });
  afterAll(() => t.close());

  /** The operation called as a role it allows, with every header it requires. */
  function callAllowed(op: DocumentedOperation) {
    const role = op.roles?.[0] as Role;
    let call = t.http[op.method](op.samplePath).auth(tokens.get(role) ?? '', { type: 'bearer' });
    for (const name of op.requiredHeaders) call = call.set(name, SAMPLE_HEADERS[name]?.() ?? '');
    return call;
  }

  it('are found in the contract, each with a sample for every header it requires', () => {
    expect(bodyless.map((op) => op.operationId).sort()).toEqual(
      expect.arrayContaining(['createManualRecommendations', 'eraseJobSeeker', 'withdrawObjection']),
    );
    for (const op of bodyless) {
      expect(
        op.requiredHeaders.filter((name) => SAMPLE_HEADERS[name] === undefined),
        op.operationId,
      ).toEqual([]);
    }
  });

  const refusals = bodyless.flatMap((op) =>
    BODIES.map(([what, type, body]) => [op.operationId, what, op, type, body] as const),
  );
  it.each(refusals)(
    '%s refuses %s with 400 problem+json saying it takes no request body',
    async (_id, _what, op, type, body) => {
      const res = await callAllowed(op).set('Content-Type', type).send(body);
      expect(res.status, res.text).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: 'https://aiguillage.example/problems/validation', status: 400 });
      // The person's own calls speak to them in French: the field errors say it for the developers.
      if (!op.tags.includes('job-seeker-portal'))
        expect(res.body.detail).toMatch(new RegExp(`${op.operationId} takes no request body`));
      expect(isNoBodyRefusal(res.body)).toBe(true);
    },
  );

  const emptyBodies = bodyless.flatMap((op) =>
    (
      [
        ['no body at all', undefined, undefined],
        ['an empty JSON body (Content-Length: 0)', 'application/json', ''],
        ['{}, which carries nothing', 'application/json', '{}'],
      ] as const
    ).map(([what, type, body]) => [op.operationId, what, op, type, body] as const),
  );
  it.each(emptyBodies)('%s takes %s as no body', async (_id, _what, op, type, body) => {
    let call = callAllowed(op);
    if (type !== undefined) call = call.set('Content-Type', type);
    const res = await (body === undefined ? call : call.send(body));
    expect(res.status, res.text).not.toBe(400);
    expect(res.status, res.text).toBeLessThan(500);
  });

  it.each(bodyless.map((op) => [op.operationId, op] as const))(
    '%s checks the caller before the body: 401 without a token, 403 for a role it does not allow',
    async (_id, op) => {
      const body = '{"comment": "merci"}';
      const anonymous = await t.http[op.method](op.samplePath)
        .set('Content-Type', 'application/json')
        .send(body);
      expect(anonymous.status).toBe(401);
      const stranger = ROLES.find((role) => !op.roles?.includes(role)) as Role;
      const forbidden = await t.http[op.method](op.samplePath)
        .auth(tokens.get(stranger) ?? '', { type: 'bearer' })
        .set('Content-Type', 'application/json')
        .send(body);
      expect(forbidden.status).toBe(403);
    },
  );

  it("answers the contract's own checks first: a missing Idempotency-Key is named, not the body", async () => {
    const res = await t.http
      .post('/v1/job-seekers/js-1/manual-recommendations')
      .auth(tokens.get('counselor') ?? '', { type: 'bearer' })
      .send({ comment: 'merci' });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/idempotency-key/i);
    expect(isNoBodyRefusal(res.body)).toBe(false);
  });

  it.each(withBody.map((op) => [op.operationId, op] as const))(
    '%s, which takes a body, is not refused for sending one',
    async (_id, op) => {
      const role = op.roles?.[0] as Role;
      const res = await t.http[op.method](op.samplePath)
        .auth(tokens.get(role) ?? '', { type: 'bearer' })
        .set('Content-Type', 'application/json')
        .send('{"comment": "merci"}');
      expect(res.status, res.text).toBeLessThan(500);
      expect(isNoBodyRefusal(res.body), res.text).toBe(false);
    },
  );
});
