import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** A token that is no JWT at all: refused with 401 by the verifier. */
const BAD_TOKEN = 'not.a.token';

/**
 * A client sending tokens that do not verify (guessing, replaying forged ones) is answered 401 by
 * the validator, before the limit per token subject: each attempt costs a signature check, and
 * without a limit of its own an address could send them without end.
 */
describe('the limit on failed authentications per address, behind a trusted proxy', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_FAILURES_PER_MINUTE: '3', TRUST_PROXY: '1' } });
    counselor = await t.tokenFor('counselor', 'c-auth-limit');
  });
  afterAll(() => t.close());

  const listFrom = (address: string, token?: string) => {
    const req = t.http.get('/v1/recommendations').set('X-Forwarded-For', address);
    return token === undefined ? req : req.auth(token, { type: 'bearer' });
  };

  it('answers 429 problem+json, with RateLimit headers and Retry-After, once an address has failed too often', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await listFrom('203.0.113.10', BAD_TOKEN)).status);
    const limited = await listFrom('203.0.113.10');
    expect(statuses).toEqual([401, 401, 401]);
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.body.type).toMatch(/rate-limited$/);
    expect(limited.body.title).toBe('Too many failed authentications');
    expect(limited.headers.ratelimit).toBeDefined();
    expect(limited.headers['ratelimit-policy']).toBeDefined();
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('keeps an address over the limit out for the rest of the window, with a valid token not yet verified too', async () => {
    const unseen = await t.tokenFor('counselor', 'c-auth-limit-unseen');
    for (let i = 0; i < 3; i += 1) await listFrom('203.0.113.11', BAD_TOKEN);
    const withValidToken = await listFrom('203.0.113.11', unseen);
    expect(withValidToken.status).toBe(429);
  });

  it('lets a token already verified through an address over the limit: the people behind it keep working', async () => {
    // A counselor at work behind the office's one address, before a broken client there fails too often.
    const working = await t.tokenFor('counselor', 'c-auth-limit-office');
    expect((await listFrom('203.0.113.12', working)).status).toBe(200);
    for (let i = 0; i < 3; i += 1) await listFrom('203.0.113.12', BAD_TOKEN);
    expect((await listFrom('203.0.113.12', BAD_TOKEN)).status).toBe(429);
    expect((await listFrom('203.0.113.12')).status).toBe(429);
    expect((await listFrom('203.0.113.12', working)).status).toBe(200);
  });

  it('does not count the requests whose token verifies', async () => {
    const statuses: number[] = [];
    statuses.push((await listFrom('203.0.113.20', BAD_TOKEN)).status);
    statuses.push((await listFrom('203.0.113.20')).status);
    for (let i = 0; i < 6; i += 1) statuses.push((await listFrom('203.0.113.20', counselor)).status);
    statuses.push((await listFrom('203.0.113.20', BAD_TOKEN)).status);
    statuses.push((await listFrom('203.0.113.20', BAD_TOKEN)).status);
    expect(statuses).toEqual([401, 401, 200, 200, 200, 200, 200, 200, 401, 429]);
  });

  it('does not hold one address’s failures against another', async () => {
    const unseen = await t.tokenFor('counselor', 'c-auth-limit-elsewhere');
    for (let i = 0; i < 4; i += 1) await listFrom('203.0.113.30', BAD_TOKEN);
    expect((await listFrom('203.0.113.30', unseen)).status).toBe(429);
    expect((await listFrom('198.51.100.7', BAD_TOKEN)).status).toBe(401);
    expect((await listFrom('198.51.100.7', counselor)).status).toBe(200);
  });

  it('leaves the operations endpoints to an address over the limit', async () => {
    for (let i = 0; i < 4; i += 1) await listFrom('203.0.113.40', BAD_TOKEN);
    const probe = await t.http.get('/healthz').set('X-Forwarded-For', '203.0.113.40');
    expect(probe.status).toBe(200);
  });
});

describe('the limit on failed authentications, with no proxy trusted', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_FAILURES_PER_MINUTE: '2' } });
  });
  afterAll(() => t.close());

  it('counts a client by the address it connects from, whatever X-Forwarded-For it sends', async () => {
    const statuses: number[] = [];
    for (const forged of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) {
      statuses.push(
        (
          await t.http
            .get('/v1/recommendations')
            .set('X-Forwarded-For', forged)
            .auth(BAD_TOKEN, { type: 'bearer' })
        ).status,
      );
    }
    expect(statuses).toEqual([401, 401, 429]);
  });
});
