import { findBin } from './binning.ts';

/**
 * One feature's shape function, stored relative to the feature's baseline: the term of the
 * baseline's bin is exactly 0, so a contribution reads "how much this value moves the logit
 * compared with the baseline value".
 */
export interface AdditiveTerm {
  feature: string;
  /** Ascending float32 bin edges; bin k holds (edges[k-1], edges[k]]. */
  edges: Float32Array;
  /** Per bin (edges.length + 1 of them), the logit contribution relative to the baseline, float32. */
  contributions: Float32Array;
  /** The reference value; its bin's contribution is 0. */
  baseline: number;
  /** Share of training rows per bin, the reference distribution for drift monitoring. */
  trainingShares: number[];
}

/**
 * A generalised additive model on binned features: logit(score) = intercept + Σ contributions.
 * It is what the EBM trainer produces and what the ONNX export encodes, value for value.
 */
export interface AdditiveModel {
  /** float32; the logit of a row whose every feature sits in its baseline's bin. */
  intercept: number;
  terms: AdditiveTerm[];
}

/** Writes each feature's contribution for one row of `rows` (at `offset`) into `target` at `targetOffset`. */
export function writeContributions(
  model: AdditiveModel,
  rows: ArrayLike<number>,
  offset: number,
  target: Float32Array,
  targetOffset: number,
): void {
  model.terms.forEach((term, f) => {
    target[targetOffset + f] = term.contributions[findBin(term.edges, rows[offset + f] ?? 0)] ?? 0;
  });
}

/** Returns the logit of the row of `rows` that starts at `offset`. */
export function predictLogit(model: AdditiveModel, rows: ArrayLike<number>, offset = 0): number {
  let logit = model.intercept;
  model.terms.forEach((term, f) => {
    logit += term.contributions[findBin(term.edges, rows[offset + f] ?? 0)] ?? 0;
  });
  return logit;
}

/** Returns the probability of a good outcome for each of the `rowCount` rows of a row-major matrix. */
export function predictProbabilities(
  model: AdditiveModel,
  rows: Float32Array,
  rowCount: number,
): Float64Array {
  const featureCount = model.terms.length;
  const probabilities = new Float64Array(rowCount);
  for (let i = 0; i < rowCount; i += 1) {
    probabilities[i] = sigmoid(predictLogit(model, rows, i * featureCount));
  }
  return probabilities;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
