import { describe, expect, it } from 'vitest';
import { computeBinEdges, computeBinShares, findBin } from '../../src/model/binning.ts';

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
