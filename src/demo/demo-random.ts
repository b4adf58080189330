import { createRandom } from '../shared/random.ts';

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

/** The demo's draws, from the project's one seeded source, so the same seed always gives the same catalog. */
export function createDemoRandom(seed: number): DemoRandom {
  const random = createRandom(seed);
  return {
    next: random.next,
    nextInt: random.nextInt,
    chance: random.nextBoolean,
    pick: random.pick,
    pickWeighted: (items, weightOf) => random.pickWeightedItem(items, items.map(weightOf)),
    sample: random.sample,
  };
}
