/** The direction a shape function is constrained to follow. */
export type MonotoneDirection = 'increasing' | 'decreasing';

/**
 * Returns the closest (weighted least squares) monotone sequence to `values`, by pooling adjacent
 * violators: where a value breaks the direction, it and its neighbours are replaced by their
 * weighted mean. Weights are the training rows per bin, so well-populated bins move least.
 */
export function monotonize(
  values: ArrayLike<number>,
  weights: ArrayLike<number>,
  direction: MonotoneDirection,
): Float64Array {
  const sign = direction === 'increasing' ? 1 : -1;
  const blocks: Array<{ mean: number; weight: number; size: number }> = [];
  for (let i = 0; i < values.length; i += 1) {
    let block = { mean: sign * (values[i] ?? 0), weight: Math.max(weights[i] ?? 0, 1e-9), size: 1 };
    let previous = blocks[blocks.length - 1];
    while (previous !== undefined && previous.mean > block.mean) {
      blocks.pop();
      const weight = previous.weight + block.weight;
      block = {
        mean: (previous.mean * previous.weight + block.mean * block.weight) / weight,
        weight,
        size: previous.size + block.size,
      };
      previous = blocks[blocks.length - 1];
    }
    blocks.push(block);
  }
  const result = new Float64Array(values.length);
  let index = 0;
  for (const block of blocks) {
    result.fill(sign * block.mean, index, index + block.size);
    index += block.size;
  }
  return result;
}
