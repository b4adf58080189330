import { createRandom } from '../shared/random.ts';
import type { FloatValues } from './model-output-check.ts';

/** Scores a row-major [count, F] matrix in one batch, returning [count] probabilities. */
export type BatchEvaluator = (matrix: Float32Array, count: number) => Promise<FloatValues>;

export interface ShapleyOptions {
  /** Feature orderings sampled per row; taken in antithetic pairs (an ordering and its reverse). */
  permutations: number;
  /** Seed of the orderings, so the same inputs always give the same attributions. */
  seed: number;
}

export interface ShapleyEstimate {
  /** [rowCount, F] row-major attributions in logit space, relative to the baseline row. */
  values: Float64Array;
  /** Largest standard error of a single attribution over all rows and features. */
  errorEstimate: number;
}

export const DEFAULT_SHAPLEY_OPTIONS: ShapleyOptions = { permutations: 32, seed: 20250411 };

/**
 * Estimates Shapley values of logit(score) against a baseline row by sampling feature orderings:
 * along each ordering, features switch from the baseline to the row's value one at a time and each
 * takes the change in logit it causes. Every perturbed row of every input row goes to the model in
 * one batched run. Per ordering the values add up to logit(row) − logit(baseline) exactly.
 */
export async function estimateShapleyValues(
  rows: Float32Array,
  rowCount: number,
  baseline: Float32Array,
  evaluate: BatchEvaluator,
  options: ShapleyOptions = DEFAULT_SHAPLEY_OPTIONS,
): Promise<ShapleyEstimate> {
  const featureCount = baseline.length;
  const orderings = drawOrderings(featureCount, options);
  const steps = featureCount + 1;
  const perRow = orderings.length * steps;
  const matrix = new Float32Array(rowCount * perRow * featureCount);
  for (let i = 0; i < rowCount; i += 1) {
    orderings.forEach((ordering, p) => {
      const vector = Float32Array.from(baseline);
      let offset = (i * perRow + p * steps) * featureCount;
      matrix.set(vector, offset);
      for (const feature of ordering) {
        vector[feature] = rows[i * featureCount + feature] ?? 0;
        offset += featureCount;
        matrix.set(vector, offset);
      }
    });
  }
  const scores = await evaluate(matrix, rowCount * perRow);

  const values = new Float64Array(rowCount * featureCount);
  let errorEstimate = 0;
  const samples = new Float64Array(orderings.length * featureCount);
  for (let i = 0; i < rowCount; i += 1) {
    orderings.forEach((ordering, p) => {
      const start = i * perRow + p * steps;
      ordering.forEach((feature, k) => {
        const gain = toLogit(scores[start + k + 1] ?? 0.5) - toLogit(scores[start + k] ?? 0.5);
        samples[p * featureCount + feature] = gain;
      });
    });
    for (let f = 0; f < featureCount; f += 1) {
      let sum = 0;
      let squares = 0;
      for (let p = 0; p < orderings.length; p += 1) {
        const sample = samples[p * featureCount + f] ?? 0;
        sum += sample;
        squares += sample * sample;
      }
      const mean = sum / orderings.length;
      const variance = Math.max(0, squares / orderings.length - mean * mean);
      values[i * featureCount + f] = mean;
      errorEstimate = Math.max(errorEstimate, Math.sqrt(variance / orderings.length));
    }
  }
  return { values, errorEstimate };
}

function drawOrderings(featureCount: number, options: ShapleyOptions): number[][] {
  const random = createRandom(options.seed);
  const identity = Array.from({ length: featureCount }, (_, f) => f);
  const orderings: number[][] = [];
  while (orderings.length < Math.max(2, options.permutations)) {
    const ordering = random.sample(identity, featureCount);
    orderings.push(ordering, [...ordering].reverse());
  }
  return orderings;
}

function toLogit(probability: number): number {
  const p = Math.min(Math.max(probability, 1e-7), 1 - 1e-7);
  return Math.log(p / (1 - p));
}
