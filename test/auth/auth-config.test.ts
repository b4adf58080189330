import { describe, expect, it } from 'vitest';
import { checkTokenKeys, loadConfig } from '../../src/config.ts';

const check = (env: Record<string, string>) => () => checkTokenKeys(loadConfig(env));

describe('token signing keys', () => {
  it('refuses production without an identity provider, naming both ways out', () => {
    expect(check({ NODE_ENV: 'production' })).toThrow(/AUTH_JWKS_URL.*AUTH_LOCAL_KEYS=true/);
    expect(check({ NODE_ENV: 'production', AUTH_LOCAL_KEYS: 'false' })).toThrow(/AUTH_JWKS_URL/);
  });

  it('runs production on a generated key pair only when AUTH_LOCAL_KEYS=true says so', () => {
    expect(check({ NODE_ENV: 'production', AUTH_LOCAL_KEYS: 'true' })).not.toThrow();
  });

  it("runs production on the identity provider's JWKS", () => {
    const jwksUrl = 'https://idp.example.org/.well-known/jwks.json';
    expect(check({ NODE_ENV: 'production', AUTH_JWKS_URL: jwksUrl })).not.toThrow();
    expect(loadConfig({ NODE_ENV: 'production', AUTH_JWKS_URL: jwksUrl }).auth.jwksUrl).toBe(jwksUrl);
  });

  it('generates a key pair in development and tests without being asked', () => {
    for (const env of [{ NODE_ENV: 'development' }, { NODE_ENV: 'test' }, {}])
      expect(check(env)).not.toThrow();
  });

  it('lets scripts that verify no token read a production configuration without either', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).not.toThrow();
  });
});
