/** The few draws the demo generator needs, from a seeded stream (never `Math.random`). */
export interface DemoRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  nextInt(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** One element, drawn with the weight `weightOf` gives it. */
  pickWeighted<T>(items: readonly T[], weightOf: (item: T) => number): T;
  /** `count` distinct elements (all of them when there are fewer), in draw order. */
  sample<T>(items: readonly T[], count: number): T[];
}

/**
 * Creates a mulberry32 stream: 32 bits of state, good enough to spread demo rows and identical
 * on every platform, so the same seed always gives the same catalog.
 */
export function createDemoRandom(seed: number): DemoRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4_294_967_296;
  };
  const pick = <T>(items: readonly T[]): T => {
    const item = items[Math.floor(next() * items.length)];
    if (item === undefined) throw new Error('cannot pick from an empty list');
    return item;
  };
  return {
    next,
    nextInt: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick,
    pickWeighted: (items, weightOf) => {
      const total = items.reduce((sum, item) => sum + weightOf(item), 0);
      let threshold = next() * total;
      for (const item of items) {
        threshold -= weightOf(item);
        if (threshold < 0) return item;
      }
      return pick(items);
    },
    sample: (items, count) => {
      const pool = [...items];
      const drawn: typeof pool = [];
      while (drawn.length < count && pool.length > 0) {
        const index = Math.floor(next() * pool.length);
        drawn.push(...pool.splice(index, 1));
      }
      return drawn;
    },
  };
}
