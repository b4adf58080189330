import { sigmoid } from '../model/additive-model.ts';
import type { ModelManifest, ReferenceDistribution } from '../model/manifest.ts';

/**
 * A model whose outputs break the model contract (DESIGN.md, "The model contract"): a score that is
 * not one probability per row, contributions that are not one finite term per feature and row, or
 * exact contributions that do not add up to the score. Found on the reference rows when the model
 * is loaded, so that such a model is never registered nor activated.
 */
export class ModelOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelOutputError';
  }
}

/**
 * Whether a score can be stored and shown: a probability, 0 to 1. NaN, infinities and values out of
 * range are left out of suggestions, never stored (a counselor would read "200 %").
 */
export function isUsableScore(score: number): boolean {
  return score >= 0 && score <= 1;
}

/** Where in the reference distributions the reference rows are taken, besides the baseline row. */
const REFERENCE_QUANTILES: readonly number[] = [0.05, 0.25, 0.5, 0.75, 0.95];

/**
 * How far σ(intercept + Σ contributions) may be from the score: exact attributions agree up to
 * float32 rounding (the shipped models within 1e-7). Compared as probabilities, where float32 keeps
 * its precision; a logit read back from a score near 0 or 1 would not.
 */
const ADDITIVITY_TOLERANCE = 1e-4;

/**
 * Whether one row's exact contributions say what its score says: σ(intercept + Σ contributions) within
 * {@link ADDITIVITY_TOLERANCE} of it. Checked on the reference rows at every load, and on every row
 * served, since a model may be additive on the few reference rows and not elsewhere.
 */
export function addsUpToScore(intercept: number, contributions: ArrayLike<number>, score: number): boolean {
  return Math.abs(sigmoid(sumLogit(intercept, contributions)) - score) <= ADDITIVITY_TOLERANCE;
}

function sumLogit(intercept: number, contributions: ArrayLike<number>): number {
  let logit = intercept;
  for (let f = 0; f < contributions.length; f += 1) logit += contributions[f] ?? 0;
  return logit;
}

/** How far from 0 an exact contribution of the baseline row may be (logit). */
const BASELINE_TOLERANCE = 1e-4;

/**
 * The values of a model's output: float32, or float64. The contract sets the input's type (float32)
 * only; a model exported in doubles is read as it gives its scores.
 */
export type FloatValues = Float32Array | Float64Array;

/** Raw outputs of one run over an [N, F] matrix, shapes already checked. */
export interface ModelRunOutputs {
  /** [N] scores. */
  scores: FloatValues;
  /** [N, F] row-major contributions, or null when the manifest names no such output. */
  contributions: FloatValues | null;
}

/**
 * The rows a model is tried on before it is used: the manifest's baseline row, then one row per
 * quantile of {@link REFERENCE_QUANTILES}, each feature at that quantile of its training reference
 * distribution. Several rows, so that a model taking one row at a time is found out too.
 */
export function buildReferenceRows(manifest: ModelManifest): { rows: Float32Array; count: number } {
  const featureCount = manifest.features.length;
  const count = 1 + REFERENCE_QUANTILES.length;
  const rows = new Float32Array(count * featureCount);
  manifest.features.forEach((feature, f) => {
    rows[f] = feature.baseline;
    const distribution = manifest.referenceDistributions[f];
    REFERENCE_QUANTILES.forEach((quantile, q) => {
      rows[(q + 1) * featureCount + f] =
        distribution === undefined || distribution.edges.length === 0
          ? feature.baseline
          : valueAtQuantile(distribution, quantile);
    });
  });
  return { rows, count };
}

/**
 * Checks the shapes of one run's outputs against the contract: `score` [N] or [N, 1]; `contributions`
 * [N, F]. Run on every run: a reading of the wrong shape would pair scores with the wrong courses.
 */
export function assertOutputShapes(
  manifest: ModelManifest,
  rowCount: number,
  scoreDims: readonly number[],
  contributionDims: readonly number[] | null,
): void {
  const { score, contributions } = manifest.outputs;
  const isScoreShape =
    (scoreDims.length === 1 && scoreDims[0] === rowCount) ||
    (scoreDims.length === 2 && scoreDims[0] === rowCount && scoreDims[1] === 1);
  if (!isScoreShape) {
    throw new ModelOutputError(
      `output ${score} must hold one score per row ([${rowCount}] or [${rowCount}, 1] for ${rowCount} rows), got [${scoreDims.join(', ')}]`,
    );
  }
  if (contributionDims === null) return;
  const featureCount = manifest.features.length;
  if (
    contributionDims.length !== 2 ||
    contributionDims[0] !== rowCount ||
    contributionDims[1] !== featureCount
  ) {
    throw new ModelOutputError(
      `output ${contributions} must hold one contribution per row and feature ([${rowCount}, ${featureCount}]), got [${contributionDims.join(', ')}]`,
    );
  }
}

/**
 * Runs the model on the reference rows ({@link buildReferenceRows}) and throws a
 * {@link ModelOutputError} unless it keeps the contract: it scores them in one run; every score is a
 * probability; every contribution is finite; and, for exact-additive attributions, the score is
 * σ(intercept + Σ contributions) and the baseline row's contributions are 0, as the explanations
 * read them ("compared with a typical candidate"). Also the model's warm-up: its first run is slow.
 */
export async function checkModelOutputs(
  manifest: ModelManifest,
  run: (rows: Float32Array, rowCount: number) => Promise<ModelRunOutputs>,
): Promise<void> {
  const { rows, count } = buildReferenceRows(manifest);
  let outputs: ModelRunOutputs;
  try {
    outputs = await run(rows, count);
  } catch (error) {
    if (error instanceof ModelOutputError) throw error;
    throw new ModelOutputError(
      `the model cannot score ${count} rows in one run (its input must be [N, ${manifest.features.length}]): ${(error as Error).message}`,
    );
  }
  const { scores, contributions } = outputs;
  const featureCount = manifest.features.length;
  const described = (row: number) => (row === 0 ? 'the baseline row' : `reference row ${row}`);
  for (let row = 0; row < count; row += 1) {
    const score = scores[row] ?? Number.NaN;
    if (!isUsableScore(score)) {
      throw new ModelOutputError(
        `output ${manifest.outputs.score} must be a probability between 0 and 1; it gave ${score} for ${described(row)}`,
      );
    }
  }
  if (contributions === null) return;
  const bad = contributions.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) {
    throw new ModelOutputError(
      `output ${manifest.outputs.contributions} must hold finite numbers; it gave ${contributions[bad]} for ${described(Math.floor(bad / featureCount))}`,
    );
  }
  if (manifest.attributionMethod !== 'exact-additive') return;
  const intercept = manifest.intercept ?? 0;
  for (let row = 0; row < count; row += 1) {
    const terms = contributions.subarray(row * featureCount, (row + 1) * featureCount);
    const score = scores[row] ?? Number.NaN;
    if (!addsUpToScore(intercept, terms, score)) {
      throw new ModelOutputError(
        `the contributions of an exact-additive model must add up to its score (logit(score) = intercept + Σ contributions); for ${described(row)} they give ${sigmoid(sumLogit(intercept, terms))}, the score is ${score}`,
      );
    }
  }
  const offBaseline = manifest.features.findIndex(
    (_, f) => !(Math.abs(contributions[f] ?? 0) <= BASELINE_TOLERANCE),
  );
  if (offBaseline >= 0) {
    throw new ModelOutputError(
      `exact contributions must be relative to the baselines: on the baseline row, ${manifest.features[offBaseline]?.name} contributes ${contributions[offBaseline]} instead of 0`,
    );
  }
}

/**
 * A value the reference distribution puts at `quantile`: the upper edge of the bin where the shares
 * reach it (bin k holds (edges[k-1], edges[k]]); past the last edge, one bin width beyond it (1 beyond
 * a single edge: the 1 of a yes-or-no feature).
 */
function valueAtQuantile({ edges, shares }: ReferenceDistribution, quantile: number): number {
  const last = edges.length - 1;
  let reached = 0;
  for (let bin = 0; bin < shares.length; bin += 1) {
    reached += shares[bin] ?? 0;
    if (reached >= quantile && bin <= last) return edges[bin] ?? 0;
    if (reached >= quantile) break;
  }
  const top = edges[last] ?? 0;
  const width = last > 0 ? top - (edges[last - 1] ?? top) : 1;
  return top + width;
}
