import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

describe('retention settings', () => {
  it('keeps the log ten years, personal data two years and Idempotency-Keys a day by default', () => {
    expect(loadConfig({ NODE_ENV: 'production', AUTH_LOCAL_KEYS: 'true' }).retention).toEqual({
      logDays: 3650,
      personalDays: 730,
      idempotencyHours: 24,
      dailyJob: true,
    });
  });

  it('refuses a log period under six months, naming the rule', () => {
    expect(() => loadConfig({ RETENTION_LOG_DAYS: '182' })).toThrow(
      /RETENTION_LOG_DAYS must be at least 183 .*AI Act, Art\. 26\(6\).*got "182"/,
    );
    expect(loadConfig({ RETENTION_LOG_DAYS: '183' }).retention.logDays).toBe(183);
  });

  it('refuses a period of zero or a value that is not a whole number', () => {
    expect(() => loadConfig({ RETENTION_PERSONAL_DAYS: '0' })).toThrow(
      /RETENTION_PERSONAL_DAYS must be 1 or more/,
    );
    expect(() => loadConfig({ RETENTION_IDEMPOTENCY_HOURS: '1.5' })).toThrow(/RETENTION_IDEMPOTENCY_HOURS/);
  });

  it('runs the daily job outside tests unless it is switched off', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).retention.dailyJob).toBe(false);
    expect(loadConfig({ NODE_ENV: 'development' }).retention.dailyJob).toBe(true);
    expect(loadConfig({ RETENTION_DAILY_JOB: 'false' }).retention.dailyJob).toBe(false);
  });
});

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
