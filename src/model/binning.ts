/**
 * Bin semantics shared by training, the TypeScript predictor and the ONNX graph: with ascending
 * float32 edges e, a value x falls in bin #{k : e[k] < x}, so bin k holds (e[k-1], e[k]].
 * The ONNX graph computes exactly that with `Less(edges, x)` and a sum, so both agree bit for bit.
 */

/**
 * The edge that parts values below zero from zero and above, for features whose sign changes what the
 * value means (see `splitBelowZero` in `features.ts`). Just below zero rather than at it, since bin k
 * holds (e[k-1], e[k]]: an edge at 0 would put 0 with the negative values. Every feature value that
 * can be negative is a whole number of days over 7, or an integer, so none falls between it and 0.
 */
export const BELOW_ZERO_EDGE = Math.fround(-1e-6);

export interface BinningOptions {
  /**
   * Make sure no bin holds both a value below zero and zero or above: when the edges found leave such
   * a bin, {@link BELOW_ZERO_EDGE} is added.
   */
  splitBelowZero?: boolean;
}

/**
 * Returns the bin edges of one column: every distinct value but the largest when there are at most
 * `maxBins` of them (binary and ordinal features keep one bin per value), else quantile cut points;
 * with `splitBelowZero`, an edge just below zero when values on both sides would share a bin.
 */
export function computeBinEdges(
  values: Float32Array,
  maxBins: number,
  options: BinningOptions = {},
): Float32Array {
  const edges = computeQuantileEdges(values, maxBins);
  return options.splitBelowZero === true ? addBelowZeroEdge(edges, values) : edges;
}

function addBelowZeroEdge(edges: Float32Array, values: Float32Array): Float32Array {
  let largestNegative = Number.NEGATIVE_INFINITY;
  let anyNonNegative = false;
  for (const value of values) {
    if (value < 0) largestNegative = Math.max(largestNegative, value);
    else anyNonNegative = true;
  }
  if (largestNegative === Number.NEGATIVE_INFINITY || !anyNonNegative) return edges;
  // Already parted: an edge at or above the largest negative value and below zero.
  if (edges.some((edge) => edge >= largestNegative && edge < 0)) return edges;
  return Float32Array.from([...edges, BELOW_ZERO_EDGE]).sort();
}

function computeQuantileEdges(values: Float32Array, maxBins: number): Float32Array {
  const sorted = Float32Array.from(values).sort();
  const distinct: number[] = [];
  for (const value of sorted) {
    if (distinct.length === 0 || distinct[distinct.length - 1] !== value) {
      distinct.push(value);
    }
  }
  if (distinct.length <= maxBins) {
    return Float32Array.from(distinct.slice(0, -1));
  }
  const largest = distinct[distinct.length - 1];
  const edges: number[] = [];
  for (let q = 1; q < maxBins; q += 1) {
    const cut = sorted[Math.floor((q * sorted.length) / maxBins)];
    if (cut !== undefined && cut !== largest && cut !== edges[edges.length - 1]) {
      edges.push(cut);
    }
  }
  return Float32Array.from(edges);
}

/** Returns the bin of `value`: the number of edges strictly below it (binary search). */
export function findBin(edges: Float32Array, value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((edges[middle] ?? Number.POSITIVE_INFINITY) < value) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

/** Returns the share of `values` in each of the `edges.length + 1` bins. */
export function computeBinShares(edges: Float32Array, values: Float32Array): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const value of values) {
    const bin = findBin(edges, value);
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return counts.map((count) => (values.length === 0 ? 0 : count / values.length));
}
