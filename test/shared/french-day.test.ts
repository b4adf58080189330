import { describe, expect, it } from 'vitest';
import { formatFrenchDay } from '../../src/shared/french-day.ts';

describe('formatFrenchDay', () => {
  it('writes a day as the person reads it, in words', () => {
    expect(formatFrenchDay('2027-01-11')).toBe('11 janvier 2027');
  });

  it('writes the first of a month with its ordinal, « 1er », as French does', () => {
    expect(formatFrenchDay('2027-01-01')).toBe('1er janvier 2027');
    // Half past midnight in Paris on 1 October is still 30 September in UTC.
    expect(formatFrenchDay('2026-09-30T22:30:00.000Z')).toBe('1er octobre 2026');
  });

  it('gives the ordinal to the first only', () => {
    expect(formatFrenchDay('2027-03-10')).toBe('10 mars 2027');
    expect(formatFrenchDay('2027-03-21')).toBe('21 mars 2027');
    expect(formatFrenchDay('2027-03-31')).toBe('31 mars 2027');
  });
});
