import { describe, expect, it } from 'vitest';
import { labelBin } from '../../src/model/bin-labels.ts';
import { BELOW_ZERO_EDGE, computeBinEdges, computeBinShares, findBin } from '../../src/model/binning.ts';

describe('computeBinEdges', () => {
  it('keeps one bin per value for a binary feature', () => {
    expect(Array.from(computeBinEdges(Float32Array.of(1, 0, 0, 1, 1), 32))).toEqual([0]);
  });

  it('keeps one bin per value for an ordinal feature with few values', () => {
    expect(Array.from(computeBinEdges(Float32Array.of(-1, 2, 0, 1, 2, -1), 32))).toEqual([-1, 0, 1]);
  });

  it('cuts a continuous feature at quantiles', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => i);
    const edges = computeBinEdges(values, 4);
    expect(Array.from(edges)).toEqual([250, 500, 750]);
  });

  it('parts values below zero from zero and above when asked, as quantiles alone may not', () => {
    // Weeks to start: a day or two before the person is available, on time, then later.
    const values = Float32Array.from([-2 / 7, -1 / 7, 0, 1 / 7, 2 / 7, 3 / 7, 4 / 7, 5 / 7, 6 / 7, 1]);
    const plain = computeBinEdges(values, 3);
    expect(findBin(plain, -1 / 7)).toBe(findBin(plain, 0));
    const split = computeBinEdges(values, 3, { splitBelowZero: true });
    expect(findBin(split, -1 / 7)).toBe(findBin(split, -2 / 7));
    expect(findBin(split, -1 / 7)).toBeLessThan(findBin(split, 0));
    expect(findBin(split, 0)).toBe(findBin(split, 1 / 7));
    expect(Array.from(split)).toContain(BELOW_ZERO_EDGE);
  });

  it('adds no edge where values below zero already have their own bins', () => {
    const levels = Float32Array.of(-2, -1, 0, 1, 2);
    expect(Array.from(computeBinEdges(levels, 32, { splitBelowZero: true }))).toEqual([-2, -1, 0, 1]);
    const positive = Float32Array.from({ length: 100 }, (_, i) => i);
    expect(computeBinEdges(positive, 4, { splitBelowZero: true })).toEqual(computeBinEdges(positive, 4));
  });

  it('gives no edge to a constant feature', () => {
    expect(computeBinEdges(Float32Array.of(3, 3, 3), 32).length).toBe(0);
  });
});

describe('findBin', () => {
  const edges = Float32Array.of(0, 10, 20);

  it('puts a value equal to an edge in the bin that edge closes', () => {
    expect(findBin(edges, 0)).toBe(0);
    expect(findBin(edges, 10)).toBe(1);
  });

  it('puts values between edges in the upper bin', () => {
    expect(findBin(edges, 0.5)).toBe(1);
    expect(findBin(edges, 19.99)).toBe(2);
  });

  it('sends values beyond the range to the outer bins', () => {
    expect(findBin(edges, -100)).toBe(0);
    expect(findBin(edges, 1e9)).toBe(3);
  });
});

describe('computeBinShares', () => {
  it('gives the share of values per bin', () => {
    expect(computeBinShares(Float32Array.of(0, 1), Float32Array.of(0, 0, 1, 5))).toEqual([0.5, 0.25, 0.25]);
  });
});

describe('labelBin', () => {
  it('reads the edge just below zero as the sign it stands for', () => {
    const edges = Float32Array.of(-4, BELOW_ZERO_EDGE, 2);
    expect([0, 1, 2, 3].map((bin) => labelBin(edges, bin, 'continuous'))).toEqual([
      '≤ -4',
      '< 0',
      '≤ 2',
      '> 2',
    ]);
    expect(labelBin(Float32Array.of(BELOW_ZERO_EDGE), 1, 'continuous')).toBe('≥ 0');
  });
});
