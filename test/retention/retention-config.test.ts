import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

describe('retention settings', () => {
  it('keeps the log ten years, personal data two years, Idempotency-Keys a day and the read trace six months by default', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).retention).toEqual({
      logDays: 3650,
      personalDays: 730,
      idempotencyHours: 24,
      readTraceDays: 183,
      dailyJob: true,
    });
  });

  it('refuses at start a RETENTION_READ_TRACE_DAYS that is not a whole number of days from 1 to a hundred years', () => {
    expect(() => loadConfig({ RETENTION_READ_TRACE_DAYS: '0' })).toThrow(
      /RETENTION_READ_TRACE_DAYS must be 1 or more/,
    );
    expect(() => loadConfig({ RETENTION_READ_TRACE_DAYS: 'six mois' })).toThrow(/RETENTION_READ_TRACE_DAYS/);
    expect(() => loadConfig({ RETENTION_READ_TRACE_DAYS: '1.5' })).toThrow(/RETENTION_READ_TRACE_DAYS/);
    expect(() => loadConfig({ RETENTION_READ_TRACE_DAYS: '36501' })).toThrow(
      'RETENTION_READ_TRACE_DAYS must be at most 36500 (a hundred years), got "36501"',
    );
    expect(loadConfig({ RETENTION_READ_TRACE_DAYS: '365' }).retention.readTraceDays).toBe(365);
  });

  it('refuses a log period under six months, naming the rule', () => {
    expect(() => loadConfig({ RETENTION_LOG_DAYS: '183' })).toThrow(
      /RETENTION_LOG_DAYS must be at least 184 .*AI Act, Art\. 26\(6\).*got "183"/,
    );
    expect(loadConfig({ RETENTION_LOG_DAYS: '184' }).retention.logDays).toBe(184);
  });

  it('refuses a period of zero or a value that is not a whole number', () => {
    expect(() => loadConfig({ RETENTION_PERSONAL_DAYS: '0' })).toThrow(
      /RETENTION_PERSONAL_DAYS must be 1 or more/,
    );
    expect(() => loadConfig({ RETENTION_IDEMPOTENCY_HOURS: '1.5' })).toThrow(/RETENTION_IDEMPOTENCY_HOURS/);
  });

  it('refuses at start to keep the read trace longer than the personal data it traces the reads of', () => {
    expect(() => loadConfig({ RETENTION_READ_TRACE_DAYS: '1830' })).toThrow(
      'RETENTION_READ_TRACE_DAYS must be at most RETENTION_PERSONAL_DAYS (730): a read of a person’s file may not ' +
        'be kept longer than the data read (the CNIL recommends six months to a year for access logs), got "1830"',
    );
    expect(() => loadConfig({ RETENTION_PERSONAL_DAYS: '90', RETENTION_READ_TRACE_DAYS: '91' })).toThrow(
      /RETENTION_READ_TRACE_DAYS must be at most RETENTION_PERSONAL_DAYS \(90\)/,
    );
    expect(
      loadConfig({ RETENTION_PERSONAL_DAYS: '90', RETENTION_READ_TRACE_DAYS: '90' }).retention.readTraceDays,
    ).toBe(90);
    // Unset, the six months by default, or the personal-data period when that is shorter.
    expect(loadConfig({ RETENTION_PERSONAL_DAYS: '90' }).retention.readTraceDays).toBe(90);
  });

  it('refuses to keep Idempotency-Key answers, which name the person, longer than the personal data', () => {
    expect(() => loadConfig({ RETENTION_PERSONAL_DAYS: '30', RETENTION_IDEMPOTENCY_HOURS: '721' })).toThrow(
      'RETENTION_IDEMPOTENCY_HOURS must be at most RETENTION_PERSONAL_DAYS in hours (720): a stored answer names ' +
        'the person it was for and may not outlive their data, got "721"',
    );
    expect(
      loadConfig({ RETENTION_PERSONAL_DAYS: '30', RETENTION_IDEMPOTENCY_HOURS: '720' }).retention
        .idempotencyHours,
    ).toBe(720);
  });

  it('runs the daily job outside tests unless it is switched off', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).retention.dailyJob).toBe(false);
    expect(loadConfig({ NODE_ENV: 'development' }).retention.dailyJob).toBe(true);
    expect(loadConfig({ RETENTION_DAILY_JOB: 'false' }).retention.dailyJob).toBe(false);
  });

  it('refuses a period over a hundred years, whose cut-off would fall before any date kept', () => {
    expect(
      loadConfig({ RETENTION_LOG_DAYS: '36500', RETENTION_PERSONAL_DAYS: '36500' }).retention,
    ).toMatchObject({
      logDays: 36500,
      personalDays: 36500,
    });
    expect(
      loadConfig({ RETENTION_PERSONAL_DAYS: '36500', RETENTION_IDEMPOTENCY_HOURS: '876000' }).retention
        .idempotencyHours,
    ).toBe(876000);
    expect(() => loadConfig({ RETENTION_LOG_DAYS: '36501' })).toThrow(
      'RETENTION_LOG_DAYS must be at most 36500 (a hundred years), got "36501"',
    );
    expect(() => loadConfig({ RETENTION_PERSONAL_DAYS: '1000000000' })).toThrow(
      'RETENTION_PERSONAL_DAYS must be at most 36500 (a hundred years), got "1000000000"',
    );
    expect(() => loadConfig({ RETENTION_IDEMPOTENCY_HOURS: '876001' })).toThrow(
      'RETENTION_IDEMPOTENCY_HOURS must be at most 876000 (a hundred years), got "876001"',
    );
  });
});
