import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../support/captured-logs.ts';
import { listenForKeys, startIdentityProvider } from '../support/identity-provider.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('an identity provider that cannot be reached', () => {
  const logs = captureLogs();
  let t: TestApp;
  let provider: ReturnType<typeof startIdentityProvider>;
  let token: string;
  let strangerToken: string;
  let closedPortUrl: string;

  beforeAll(async () => {
    const signing = await generateKeyPair('ES256');
    const publicJwk = { ...(await exportJWK(signing.publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' };
    provider = startIdentityProvider([publicJwk]);
    provider.state.answer = 'error';
    const jwksUrl = await listenForKeys(provider);

    // A port nothing listens on: opened, then closed at once.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    closedPortUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/jwks.json`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    t = await startTestApp({
      logger: logs.logger,
      env: { AUTH_JWKS_URL: jwksUrl },
    });
    const sign = async (key: Parameters<SignJWT['sign']>[0], kid: string) =>
      new SignJWT({ roles: ['counselor'] })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setIssuer(t.config.auth.issuer)
        .setAudience(t.config.auth.audience)
        .setSubject('c-idp')
        .setExpirationTime('10m')
        .sign(key);
    token = await sign(signing.privateKey, 'idp-1');
    strangerToken = await sign((await generateKeyPair('ES256')).privateKey, 'not-the-idp');
  });
  afterAll(async () => {
    await t.close();
    provider.server.close();
  });

  const listMySets = (bearer: string, app = t) =>
    app.http.get('/v1/recommendations').auth(bearer, { type: 'bearer' });

  it('answers 503 with Retry-After, not 401, while the identity provider answers with an error, and logs it', async () => {
    const res = await listMySets(token);
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.body).toMatchObject({ status: 503, retryAfterSeconds: 30 });
    expect(res.body.detail).toMatch(/identity provider's signing keys cannot be fetched/);
    expect(logs.find('error', /^identity provider unreachable$/)).toHaveLength(1);
  });

  it('answers 503 while the identity provider answers something other than a key set', async () => {
    provider.state.answer = 'not a key set';
    expect((await listMySets(token)).status).toBe(503);
  });

  it('answers 503 when nothing listens at the identity provider’s address', async () => {
    const unreachable = await startTestApp({ env: { AUTH_JWKS_URL: closedPortUrl } });
    try {
      const res = await listMySets(token, unreachable);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('30');
    } finally {
      await unreachable.close();
    }
  });

  it('accepts the token once the identity provider answers again, and still refuses a key it does not hold', async () => {
    provider.state.answer = 'keys';
    expect((await listMySets(token)).status).toBe(200);

    const refused = await listMySets(strangerToken);
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toBe('the token was signed with an unknown key');
  });
});

describe('an identity provider that goes down after a token was verified', () => {
  let t: TestApp;
  let provider: ReturnType<typeof startIdentityProvider>;
  let sign: () => Promise<string>;

  beforeAll(async () => {
    const signing = await generateKeyPair('ES256');
    const publicJwk = { ...(await exportJWK(signing.publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' };
    provider = startIdentityProvider([publicJwk]);
    const jwksUrl = await listenForKeys(provider);
    // The key set kept a second only, so that the outage is met at once; verified tokens a minute.
    t = await startTestApp({
      env: {
        AUTH_JWKS_URL: jwksUrl,
        AUTH_JWKS_CACHE_SECONDS: '1',
        AUTH_VERIFIED_TOKEN_SECONDS: '60',
      },
    });
    let count = 0;
    sign = () =>
      new SignJWT({ roles: ['counselor'] })
        .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
        .setIssuer(t.config.auth.issuer)
        .setAudience(t.config.auth.audience)
        .setSubject(`c-idp-${++count}`)
        .setExpirationTime('10m')
        .sign(signing.privateKey);
  });
  afterAll(async () => {
    await t.close();
    provider.server.close();
  });

  const listMySets = (bearer: string) => t.http.get('/v1/recommendations').auth(bearer, { type: 'bearer' });

  it('still accepts a token verified within AUTH_VERIFIED_TOKEN_SECONDS, and answers 503 to one never verified', async () => {
    const verified = await sign();
    const unseen = await sign();
    expect((await listMySets(verified)).status).toBe(200);
    provider.state.answer = 'error';
    // Past the key set's second: the next token to verify needs the identity provider.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await listMySets(unseen)).status).toBe(503);
    expect((await listMySets(verified)).status).toBe(200);
  });
});
