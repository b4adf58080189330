import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/shared/random.ts';

describe('createRandom', () => {
  it('repeats the same sequence for the same seed', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    expect(Array.from({ length: 20 }, () => a.next())).toEqual(Array.from({ length: 20 }, () => b.next()));
  });

  it('gives unrelated sequences for neighbouring seeds', () => {
    const a = createRandom(1);
    const b = createRandom(2);
    const same = Array.from({ length: 100 }, () => a.next() === b.next()).filter(Boolean).length;
    expect(same).toBe(0);
  });

  it('spreads values evenly over [0, 1)', () => {
    const random = createRandom(3);
    const counts = new Array<number>(10).fill(0);
    const values = Array.from({ length: 50_000 }, () => random.next());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    for (const value of values) {
      const bucket = Math.floor(value * 10);
      counts[bucket] = (counts[bucket] ?? 0) + 1;
    }
    for (const count of counts) {
      expect(count).toBeGreaterThan(4_700);
      expect(count).toBeLessThan(5_300);
    }
  });

  it('draws normal values with mean 0 and standard deviation 1', () => {
    const random = createRandom(4);
    const values = Array.from({ length: 20_000 }, () => random.nextNormal());
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
    expect(mean).toBeCloseTo(0, 1);
    expect(Math.sqrt(variance)).toBeCloseTo(1, 1);
  });

  it('samples distinct elements and honours weights', () => {
    const random = createRandom(5);
    const sample = random.sample(['a', 'b', 'c', 'd'], 3);
    expect(new Set(sample).size).toBe(3);
    const picks = Array.from({ length: 10_000 }, () => random.pickWeightedItem(['rare', 'common'], [1, 9]));
    const rare = picks.filter((pick) => pick === 'rare').length;
    expect(rare).toBeGreaterThan(850);
    expect(rare).toBeLessThan(1_150);
  });
});
