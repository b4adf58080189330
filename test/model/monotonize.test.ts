import { describe, expect, it } from 'vitest';
import { monotonize } from '../../src/model/monotonize.ts';

describe('monotonize', () => {
  it('leaves an already increasing shape alone', () => {
    expect(Array.from(monotonize([0, 1, 2], [1, 1, 1], 'increasing'))).toEqual([0, 1, 2]);
  });

  it('pools a dip with its neighbour at their weighted mean', () => {
    expect(Array.from(monotonize([0, 3, 1, 4], [1, 1, 3, 1], 'increasing'))).toEqual([0, 1.5, 1.5, 4]);
  });

  it('pools backwards as far as needed', () => {
    expect(Array.from(monotonize([2, 2, 2, -4], [1, 1, 1, 1], 'increasing'))).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('handles a decreasing constraint', () => {
    expect(Array.from(monotonize([3, 1, 2, 0], [1, 1, 1, 1], 'decreasing'))).toEqual([3, 1.5, 1.5, 0]);
  });
});
