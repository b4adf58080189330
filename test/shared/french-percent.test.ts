import { describe, expect, it } from 'vitest';
import { formatFrenchPercent } from '../../src/shared/french-number.ts';

describe('a share told as a French percentage', () => {
  it('is a whole percentage with a space before the sign', () => {
    expect(formatFrenchPercent(0.62)).toBe('62 %');
    expect(formatFrenchPercent(0.125)).toBe('13 %');
  });

  it('never rounds a share short of all to 100 %, which would read as everyone', () => {
    expect(formatFrenchPercent(0.996)).toBe('plus de 99 %');
    expect(formatFrenchPercent(1)).toBe('100 %');
  });

  it('never rounds a share above none to 0 %, which would read as nobody', () => {
    expect(formatFrenchPercent(0.004)).toBe('moins de 1 %');
    expect(formatFrenchPercent(0)).toBe('0 %');
  });
});
