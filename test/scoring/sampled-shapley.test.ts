import { describe, expect, it } from 'vitest';
import { sigmoid } from '../../src/model/additive-model.ts';
import { estimateShapleyValues } from '../../src/scoring/sampled-shapley.ts';

/** A model with an interaction: logit = x0 · x1 + 0.5 · x2. */
async function evaluate(matrix: Float32Array, count: number): Promise<Float32Array> {
  return Float32Array.from({ length: count }, (_, i) =>
    sigmoid((matrix[i * 3] ?? 0) * (matrix[i * 3 + 1] ?? 0) + 0.5 * (matrix[i * 3 + 2] ?? 0)),
  );
}

describe('estimateShapleyValues', () => {
  const rows = Float32Array.of(2, 1, 2, 1, 1, 0);
  const baseline = Float32Array.of(0, 0, 0);

  it('adds up to logit(row) − logit(baseline) for every row', async () => {
    const { values } = await estimateShapleyValues(rows, 2, baseline, evaluate);
    expect((values[0] ?? 0) + (values[1] ?? 0) + (values[2] ?? 0)).toBeCloseTo(2 * 1 + 0.5 * 2, 4);
    expect((values[3] ?? 0) + (values[4] ?? 0) + (values[5] ?? 0)).toBeCloseTo(1, 4);
  });

  it('splits an interaction equally and gives an additive term its own effect', async () => {
    const { values } = await estimateShapleyValues(rows, 2, baseline, evaluate);
    expect(values[0]).toBeCloseTo(1, 1);
    expect(values[1]).toBeCloseTo(1, 1);
    expect(values[2]).toBeCloseTo(1, 4);
  });

  it('reports how uncertain the estimate is', async () => {
    const { errorEstimate } = await estimateShapleyValues(rows, 2, baseline, evaluate);
    expect(errorEstimate).toBeGreaterThan(0);
    expect(errorEstimate).toBeLessThan(0.5);
  });

  it('gives the same values for the same seed', async () => {
    const a = await estimateShapleyValues(rows, 2, baseline, evaluate, { permutations: 8, seed: 1 });
    const b = await estimateShapleyValues(rows, 2, baseline, evaluate, { permutations: 8, seed: 1 });
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
  });

  it('sends every perturbed row to the model in one run', async () => {
    const calls: number[] = [];
    await estimateShapleyValues(rows, 2, baseline, async (matrix, count) => {
      calls.push(count);
      return evaluate(matrix, count);
    });
    expect(calls).toHaveLength(1);
  });
});
