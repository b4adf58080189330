import type { AdditiveModel, AdditiveTerm } from './additive-model.ts';
import { computeBinEdges, computeBinShares, findBin } from './binning.ts';
import { type MonotoneDirection, monotonize } from './monotonize.ts';

/** A model input as the trainer needs it: its name and, when policy demands one, a direction. */
export interface EbmFeature {
  name: string;
  /** Constrains the learned shape to never go down (or up) as the value grows. */
  monotone?: MonotoneDirection;
  /** Values below zero never share a bin with zero or above (the sign changes what the value means). */
  splitBelowZero?: boolean;
}

/** A row-major feature matrix with its 0/1 outcomes. */
export interface Dataset {
  /** rowCount × featureCount float32 values, row after row. */
  rows: Float32Array;
  rowCount: number;
  labels: Uint8Array;
}

/** Hyper-parameters of the explainable boosting machine. */
export interface EbmOptions {
  /** Quantile bins per continuous feature (at most 255). */
  maxBins: number;
  learningRate: number;
  /** Upper bound on boosting rounds; one round visits every feature once. */
  maxRounds: number;
  /** Stop when the validation log loss has not beaten the best by `minImprovement` for this many rounds. */
  patience: number;
  /** Smallest decrease below the best validation log loss that counts as progress. */
  minImprovement: number;
  /** Leaves of the small tree fitted on one feature's bins at each step. */
  maxLeaves: number;
  /** Fewest training rows in a leaf. */
  minSamplesLeaf: number;
  /** L2 penalty on leaf values (added to the hessian). */
  l2: number;
}

export const DEFAULT_EBM_OPTIONS: EbmOptions = {
  maxBins: 32,
  learningRate: 0.03,
  maxRounds: 3000,
  patience: 50,
  // Late rounds still shave ~1e-7 per round off the validation loss; that is not worth the time.
  minImprovement: 5e-5,
  // Two leaves (one cut per step) gives step-like shapes that read well and generalise as well as three.
  maxLeaves: 2,
  minSamplesLeaf: 100,
  l2: 1,
};

/** What training produced and how it went. */
export interface EbmTrainingResult {
  model: AdditiveModel;
  /** Rounds run, including the ones after the best. */
  rounds: number;
  /** The round whose shape functions were kept. */
  bestRound: number;
  validationLogLoss: number;
}

/**
 * Trains an explainable boosting machine: per-feature shape functions on quantile bins, boosted
 * cyclically (one feature at a time, a small tree on its bins, a small learning rate) on logistic
 * loss, stopped early on the validation set. No pairwise interactions: every contribution stays
 * a function of one feature, which is what the explanations need. Deterministic: no randomness at all.
 */
export function trainEbm(
  features: readonly EbmFeature[],
  train: Dataset,
  validation: Dataset,
  options: EbmOptions = DEFAULT_EBM_OPTIONS,
): EbmTrainingResult {
  const featureCount = features.length;
  const columns = features.map((_, f) => extractColumn(train, featureCount, f));
  const edges = columns.map((column, f) =>
    computeBinEdges(column, options.maxBins, { splitBelowZero: features[f]?.splitBelowZero === true }),
  );
  const trainBins = edges.map((featureEdges, f) => binColumn(train, featureCount, f, featureEdges));
  const validationBins = edges.map((featureEdges, f) => binColumn(validation, featureCount, f, featureEdges));
  const terms = edges.map((featureEdges) => new Float64Array(featureEdges.length + 1));

  const positives = train.labels.reduce((sum, label) => sum + label, 0);
  const prior = Math.min(Math.max(positives / Math.max(train.rowCount, 1), 1e-6), 1 - 1e-6);
  const intercept = Math.log(prior / (1 - prior));
  const trainScores = new Float64Array(train.rowCount).fill(intercept);
  const validationScores = new Float64Array(validation.rowCount).fill(intercept);

  let best = {
    loss: computeLogLossOfScores(validationScores, validation.labels),
    round: 0,
    terms: copyTerms(terms),
  };
  let round = 0;
  while (round < options.maxRounds && round - best.round < options.patience) {
    round += 1;
    for (let f = 0; f < featureCount; f += 1) {
      const bins = trainBins[f];
      const term = terms[f];
      const validationColumn = validationBins[f];
      if (bins === undefined || term === undefined || validationColumn === undefined) {
        continue;
      }
      const update = fitFeatureStep(bins, term.length, trainScores, train.labels, options);
      for (let b = 0; b < term.length; b += 1) {
        term[b] = (term[b] ?? 0) + (update[b] ?? 0);
      }
      applyUpdate(trainScores, bins, update);
      applyUpdate(validationScores, validationColumn, update);
    }
    const loss = computeLogLossOfScores(validationScores, validation.labels);
    if (loss < best.loss - options.minImprovement) {
      best = { loss, round, terms: copyTerms(terms) };
    }
  }

  const model = finaliseModel(features, edges, columns, trainBins, best.terms, intercept);
  return { model, rounds: round, bestRound: best.round, validationLogLoss: best.loss };
}

/** Fits one small tree (at most `maxLeaves` leaves over contiguous bins) to the gradients of one feature. */
function fitFeatureStep(
  bins: Uint8Array,
  binCount: number,
  scores: Float64Array,
  labels: Uint8Array,
  options: EbmOptions,
): Float64Array {
  const gradients = new Float64Array(binCount);
  const hessians = new Float64Array(binCount);
  const counts = new Float64Array(binCount);
  for (let i = 0; i < bins.length; i += 1) {
    const bin = bins[i] ?? 0;
    const p = 1 / (1 + Math.exp(-(scores[i] ?? 0)));
    gradients[bin] = (gradients[bin] ?? 0) + p - (labels[i] ?? 0);
    hessians[bin] = (hessians[bin] ?? 0) + p * (1 - p);
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  const sums = {
    gradients: prefixSums(gradients),
    hessians: prefixSums(hessians),
    counts: prefixSums(counts),
  };
  const segments: Array<[number, number]> = [[0, binCount]];
  for (let leaves = 1; leaves < options.maxLeaves; leaves += 1) {
    let bestGain = 0;
    let bestSplit: { segment: number; at: number } | undefined;
    segments.forEach(([start, end], segment) => {
      for (let at = start + 1; at < end; at += 1) {
        const gain = computeSplitGain(sums, start, at, end, options);
        if (gain > bestGain) {
          bestGain = gain;
          bestSplit = { segment, at };
        }
      }
    });
    if (bestSplit === undefined) {
      break;
    }
    const [start, end] = segments[bestSplit.segment] ?? [0, 0];
    segments.splice(bestSplit.segment, 1, [start, bestSplit.at], [bestSplit.at, end]);
  }
  const update = new Float64Array(binCount);
  for (const [start, end] of segments) {
    const value =
      -options.learningRate *
      (rangeSum(sums.gradients, start, end) / (rangeSum(sums.hessians, start, end) + options.l2));
    update.fill(value, start, end);
  }
  return update;
}

interface PrefixSums {
  gradients: Float64Array;
  hessians: Float64Array;
  counts: Float64Array;
}

function computeSplitGain(
  sums: PrefixSums,
  start: number,
  at: number,
  end: number,
  options: EbmOptions,
): number {
  const leftCount = rangeSum(sums.counts, start, at);
  const rightCount = rangeSum(sums.counts, at, end);
  if (leftCount < options.minSamplesLeaf || rightCount < options.minSamplesLeaf) {
    return 0;
  }
  const score = (from: number, to: number): number => {
    const g = rangeSum(sums.gradients, from, to);
    return (g * g) / (rangeSum(sums.hessians, from, to) + options.l2);
  };
  return score(start, at) + score(at, end) - score(start, end);
}

function prefixSums(values: Float64Array): Float64Array {
  const sums = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i += 1) {
    sums[i + 1] = (sums[i] ?? 0) + (values[i] ?? 0);
  }
  return sums;
}

function rangeSum(prefix: Float64Array, start: number, end: number): number {
  return (prefix[end] ?? 0) - (prefix[start] ?? 0);
}

function applyUpdate(scores: Float64Array, bins: Uint8Array, update: Float64Array): void {
  for (let i = 0; i < bins.length; i += 1) {
    scores[i] = (scores[i] ?? 0) + (update[bins[i] ?? 0] ?? 0);
  }
}

/**
 * Makes constrained shapes monotone (weighted pool-adjacent-violators, as InterpretML's monotonize),
 * centres each shape function on the training data (the EBM convention), then re-expresses it
 * relative to the feature's baseline (the training median) in float32, folding every shift into the
 * intercept so that logit = intercept + Σ contributions still holds.
 */
function finaliseModel(
  features: readonly EbmFeature[],
  edges: Float32Array[],
  columns: Float32Array[],
  trainBins: Uint8Array[],
  terms: Float64Array[],
  startIntercept: number,
): AdditiveModel {
  let intercept = startIntercept;
  const modelTerms: AdditiveTerm[] = features.map((feature, f) => {
    const bins = trainBins[f] ?? new Uint8Array(0);
    const featureEdges = edges[f] ?? new Float32Array(0);
    const column = columns[f] ?? new Float32Array(0);
    const learned = terms[f] ?? new Float64Array(1);
    const term =
      feature.monotone === undefined
        ? learned
        : monotonize(learned, countBins(bins, learned.length), feature.monotone);
    let mean = 0;
    for (const bin of bins) {
      mean += term[bin] ?? 0;
    }
    mean /= Math.max(bins.length, 1);
    const baseline = computeMedian(column);
    const baselineTerm = (term[findBin(featureEdges, baseline)] ?? 0) - mean;
    intercept += mean + baselineTerm;
    const contributions = Float32Array.from(term, (value) => value - mean - baselineTerm);
    return {
      feature: feature.name,
      edges: featureEdges,
      contributions,
      baseline,
      trainingShares: computeBinShares(featureEdges, column),
    };
  });
  return { intercept: Math.fround(intercept), terms: modelTerms };
}

function countBins(bins: Uint8Array, binCount: number): Float64Array {
  const counts = new Float64Array(binCount);
  for (const bin of bins) {
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return counts;
}

function computeMedian(column: Float32Array): number {
  const sorted = Float32Array.from(column).sort();
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

function copyTerms(terms: Float64Array[]): Float64Array[] {
  return terms.map((term) => Float64Array.from(term));
}

function extractColumn(data: Dataset, featureCount: number, feature: number): Float32Array {
  const column = new Float32Array(data.rowCount);
  for (let i = 0; i < data.rowCount; i += 1) {
    column[i] = data.rows[i * featureCount + feature] ?? 0;
  }
  return column;
}

function binColumn(data: Dataset, featureCount: number, feature: number, edges: Float32Array): Uint8Array {
  if (edges.length > 254) {
    throw new RangeError('at most 255 bins per feature');
  }
  const bins = new Uint8Array(data.rowCount);
  for (let i = 0; i < data.rowCount; i += 1) {
    bins[i] = findBin(edges, data.rows[i * featureCount + feature] ?? 0);
  }
  return bins;
}

function computeLogLossOfScores(scores: Float64Array, labels: Uint8Array): number {
  let total = 0;
  for (let i = 0; i < scores.length; i += 1) {
    const s = scores[i] ?? 0;
    // log(1 + e^s) - y s, written to stay finite for large |s|.
    total += Math.max(s, 0) + Math.log1p(Math.exp(-Math.abs(s))) - (labels[i] ?? 0) * s;
  }
  return total / Math.max(scores.length, 1);
}
