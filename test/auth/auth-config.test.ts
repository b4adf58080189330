import { describe, expect, it } from 'vitest';
import { checkTokenKeys, loadConfig, TOKEN_ALGORITHMS } from '../../src/config.ts';

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

  it("refuses production fetching the identity provider's keys over plain http across a network", () => {
    for (const url of [
      'http://idp.example.org/.well-known/jwks.json',
      'http://keycloak:8080/realms/aiguillage/protocol/openid-connect/certs',
      'http://10.0.0.12/jwks.json',
      'http://128.0.0.1/jwks.json',
      'http://[2001:db8::1]/jwks.json',
    ]) {
      expect(check({ NODE_ENV: 'production', AUTH_JWKS_URL: url }), url).toThrow(
        `AUTH_JWKS_URL must be an https:// URL when NODE_ENV=production, got "${url}"`,
      );
    }
  });

  it("takes production's key set over plain http from this machine only, and over http anywhere outside production", () => {
    for (const url of [
      'http://localhost:9000/jwks.json',
      'http://127.0.0.1:9000/jwks.json',
      'http://[::1]:9000/jwks.json',
    ])
      expect(check({ NODE_ENV: 'production', AUTH_JWKS_URL: url }), url).not.toThrow();
    expect(
      check({ NODE_ENV: 'development', AUTH_JWKS_URL: 'http://idp.example.org/jwks.json' }),
    ).not.toThrow();
  });

  it('generates a key pair in development and tests without being asked', () => {
    for (const env of [{ NODE_ENV: 'development' }, { NODE_ENV: 'test' }, {}])
      expect(check(env)).not.toThrow();
  });

  it('lets scripts that verify no token read a production configuration without either', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).not.toThrow();
  });
});

describe('token settings', () => {
  const allowed = 'ES256, ES384, ES512, RS256, RS384, RS512, PS256, PS384, PS512, EdDSA';

  it('refuses AUTH_ALGORITHMS with a misspelt, symmetric or no algorithm, naming the allowed ones', () => {
    for (const algorithms of ['ES265', 'HS256', 'none', 'ES256,HS256', 'es256', ',', ' , ']) {
      expect(() => loadConfig({ AUTH_ALGORITHMS: algorithms }), algorithms).toThrow(
        `AUTH_ALGORITHMS must list one or more of ${allowed} (asymmetric JWS algorithms, comma-separated; ` +
          `none and HS* are never accepted), got "${algorithms}"`,
      );
    }
  });

  it('takes any asymmetric algorithm jose verifies, and ES256, RS256 and EdDSA by default', () => {
    expect(loadConfig({}).auth.algorithms).toEqual(['ES256', 'RS256', 'EdDSA']);
    expect(loadConfig({ AUTH_ALGORITHMS: '' }).auth.algorithms).toEqual(['ES256', 'RS256', 'EdDSA']);
    expect(loadConfig({ AUTH_ALGORITHMS: TOKEN_ALGORITHMS.join(', ') }).auth.algorithms).toEqual([
      ...TOKEN_ALGORITHMS,
    ]);
    expect(loadConfig({ AUTH_ALGORITHMS: 'PS384' }).auth.algorithms).toEqual(['PS384']);
  });

  it('refuses an AUTH_JWKS_URL that is not an http(s) URL', () => {
    for (const url of [
      'not-a-url',
      'idp.example.org/jwks.json',
      'ftp://idp.example.org/jwks.json',
      'file:///etc/jwks.json',
    ]) {
      expect(() => loadConfig({ AUTH_JWKS_URL: url }), url).toThrow(
        `AUTH_JWKS_URL must be an http:// or https:// URL, got "${url}"`,
      );
    }
    expect(loadConfig({ AUTH_JWKS_URL: 'http://127.0.0.1:9000/jwks.json' }).auth.jwksUrl).toBe(
      'http://127.0.0.1:9000/jwks.json',
    );
  });

  it('trims AUTH_ISSUER and AUTH_AUDIENCE, and takes blank ones as unset', () => {
    const spaced = loadConfig({ AUTH_ISSUER: ' https://idp.example.org ', AUTH_AUDIENCE: 'aiguillage-api ' });
    expect(spaced.auth.issuer).toBe('https://idp.example.org');
    expect(spaced.auth.audience).toBe('aiguillage-api');
    for (const blank of ['', ' ']) {
      const config = loadConfig({ AUTH_ISSUER: blank, AUTH_AUDIENCE: blank });
      expect(config.auth.issuer).toBe('aiguillage-local');
      expect(config.auth.audience).toBe('aiguillage-api');
    }
  });
  it('refuses a clock tolerance beyond five minutes, as when milliseconds are written for seconds: tokens expired hours ago would pass', () => {
    expect(loadConfig({ AUTH_CLOCK_TOLERANCE_SECONDS: '300' }).auth.clockToleranceSeconds).toBe(300);
    for (const tolerance of ['301', '30000']) {
      expect(() => loadConfig({ AUTH_CLOCK_TOLERANCE_SECONDS: tolerance }), tolerance).toThrow(
        /^AUTH_CLOCK_TOLERANCE_SECONDS must be an integer from 0 to 300 \(.*\), got "/,
      );
    }
  });

  it('refuses to take a token as verified for more than an hour, as when milliseconds are written for seconds: a withdrawn key would be honoured for hours', () => {
    expect(loadConfig({ AUTH_VERIFIED_TOKEN_SECONDS: '3600' }).auth.verifiedTokenSeconds).toBe(3600);
    for (const seconds of ['3601', '60000']) {
      expect(() => loadConfig({ AUTH_VERIFIED_TOKEN_SECONDS: seconds }), seconds).toThrow(
        /^AUTH_VERIFIED_TOKEN_SECONDS must be an integer from 0 to 3600 \(.*\), got "/,
      );
    }
  });
});
