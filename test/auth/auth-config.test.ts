import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

describe('token signing keys', () => {
  it('refuses production without an identity provider, naming both ways out', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_JWKS_URL.*AUTH_LOCAL_KEYS=true/);
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_LOCAL_KEYS: 'false' })).toThrow(/AUTH_JWKS_URL/);
  });

  it('runs production on a generated key pair only when AUTH_LOCAL_KEYS=true says so', () => {
    expect(loadConfig({ NODE_ENV: 'production', AUTH_LOCAL_KEYS: 'true' }).auth.jwksUrl).toBeUndefined();
  });

  it("runs production on the identity provider's JWKS", () => {
    const jwksUrl = 'https://idp.example.org/.well-known/jwks.json';
    expect(loadConfig({ NODE_ENV: 'production', AUTH_JWKS_URL: jwksUrl }).auth.jwksUrl).toBe(jwksUrl);
  });

  it('generates a key pair in development and tests without being asked', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).auth.jwksUrl).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'test' }).auth.jwksUrl).toBeUndefined();
    expect(loadConfig({}).auth.jwksUrl).toBeUndefined();
  });
});
