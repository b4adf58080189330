/**
 * A seeded pseudo-random source. Training must give the same bytes for the same seed on every
 * run, so nothing in the model folder may touch `Math.random`.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  nextInt(min: number, max: number): number;
  /** Uniform in [min, max). */
  nextUniform(min: number, max: number): number;
  /** Standard normal (mean 0, sd 1). */
  nextNormal(): number;
  /** True with probability `p`. */
  nextBoolean(p: number): boolean;
  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** An index drawn with the given (not necessarily normalised) weights. */
  pickWeighted(weights: readonly number[]): number;
  /** One element, drawn with the given weights (one per element). */
  pickWeightedItem<T>(items: readonly T[], weights: readonly number[]): T;
  /** `count` distinct elements, in draw order. */
  sample<T>(items: readonly T[], count: number): T[];
}

/**
 * Creates a sfc32 generator (small fast counter, 32-bit state words) seeded through splitmix32
 * so that nearby seeds give unrelated streams.
 */
export function createRandom(seed: number): Random {
  let mix = seed >>> 0;
  const splitmix32 = (): number => {
    mix = (mix + 0x9e3779b9) >>> 0;
    let z = mix;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix32();
  let b = splitmix32();
  let c = splitmix32();
  let counter = 1;
  const nextUint32 = (): number => {
    const t = (((a + b) >>> 0) + counter) >>> 0;
    counter = (counter + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  // The first outputs still carry the seed's structure: skip them.
  for (let i = 0; i < 12; i += 1) {
    nextUint32();
  }
  const next = (): number => nextUint32() / 4_294_967_296;

  const random: Random = {
    next,
    nextInt: (min, max) => min + Math.floor(next() * (max - min + 1)),
    nextUniform: (min, max) => min + next() * (max - min),
    nextNormal: () => {
      // Box–Muller; 1 - next() keeps the logarithm away from zero.
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    nextBoolean: (p) => next() < p,
    pick: (items) => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) {
        throw new RangeError('cannot pick from an empty list');
      }
      return item;
    },
    pickWeighted: (weights) => {
      const total = weights.reduce((sum, weight) => sum + weight, 0);
      let threshold = next() * total;
      for (let i = 0; i < weights.length; i += 1) {
        threshold -= weights[i] ?? 0;
        if (threshold < 0) {
          return i;
        }
      }
      return weights.length - 1;
    },
    pickWeightedItem: (items, weights) => {
      const item = items[random.pickWeighted(weights)];
      if (item === undefined) {
        throw new RangeError('cannot pick from an empty list');
      }
      return item;
    },
    sample: (items, count) => {
      const pool = [...items];
      const chosen = [];
      for (let i = 0; i < count && pool.length > 0; i += 1) {
        const index = Math.floor(next() * pool.length);
        const [item] = pool.splice(index, 1);
        if (item !== undefined) {
          chosen.push(item);
        }
      }
      return chosen;
    },
  };
  return random;
}
