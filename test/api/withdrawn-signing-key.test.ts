import { setTimeout as sleep } from 'node:timers/promises';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { listenForKeys, startIdentityProvider } from '../support/identity-provider.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('a signing key the identity provider withdraws', () => {
  let t: TestApp;
  let provider: ReturnType<typeof startIdentityProvider>;
  let publicJwk: JWK;
  let token: string;

  beforeAll(async () => {
    const signing = await generateKeyPair('ES256');
    publicJwk = { ...(await exportJWK(signing.publicKey)), kid: 'idp-old', alg: 'ES256', use: 'sig' };
    const nextJwk = {
      ...(await exportJWK((await generateKeyPair('ES256')).publicKey)),
      kid: 'idp-next',
      alg: 'ES256',
      use: 'sig',
    };
    provider = startIdentityProvider([publicJwk, nextJwk]);
    t = await startTestApp({
      env: {
        AUTH_JWKS_URL: await listenForKeys(provider),
        AUTH_JWKS_CACHE_SECONDS: '1',
        AUTH_VERIFIED_TOKEN_SECONDS: '0',
      },
    });
    token = await new SignJWT({ roles: ['counselor'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'idp-old' })
      .setIssuer(t.config.auth.issuer)
      .setAudience(t.config.auth.audience)
      .setSubject('c-rotated')
      .setExpirationTime('10m')
      .sign(signing.privateKey);
  });
  afterAll(async () => {
    await t.close();
    provider.server.close();
  });

  const listMySets = () => t.http.get('/v1/recommendations').auth(token, { type: 'bearer' });

  it('is refused once AUTH_JWKS_CACHE_SECONDS have passed since the key set was fetched', async () => {
    expect((await listMySets()).status).toBe(200);
    provider.state.keys = provider.state.keys.filter((key) => key.kid !== publicJwk.kid);
    await sleep(1_200);
    const refused = await listMySets();
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toBe('the token was signed with an unknown key');
  });

  it('keeps the key set 300 seconds unless told otherwise', () => {
    expect(loadConfig({}).auth.jwksCacheSeconds).toBe(300);
    expect(() => loadConfig({ AUTH_JWKS_CACHE_SECONDS: '0' })).toThrow(
      /AUTH_JWKS_CACHE_SECONDS must be 1 or more/,
    );
  });
});
