import { beforeAll, describe, expect, it } from 'vitest';
import { sigmoid } from '../../src/model/additive-model.ts';
import type { ModelManifest } from '../../src/model/manifest.ts';
import { readModelFolder } from '../../src/model/model-folder.ts';
import {
  assertOutputShapes,
  buildReferenceRows,
  checkModelOutputs,
  isUsableScore,
  ModelOutputError,
  type ModelRunOutputs,
} from '../../src/scoring/model-output-check.ts';
import { OnnxScorer } from '../../src/scoring/onnx-scorer.ts';
import { PREVIOUS_SHIPPED_MODEL_FOLDER, SHIPPED_MODEL_FOLDER } from '../model/support/small-model.ts';

/** A stand-in model: logit = intercept + Σ (x − baseline) · 0.1, its contributions those terms. */
function anAdditiveRun(manifest: ModelManifest) {
  const featureCount = manifest.features.length;
  return async (rows: Float32Array, rowCount: number): Promise<ModelRunOutputs> => {
    const contributions = rows.map(
      (value, k) => (value - (manifest.features[k % featureCount]?.baseline ?? 0)) * 0.1,
    );
    const scores = new Float32Array(rowCount).map((_, row) => {
      let logit = manifest.intercept ?? 0;
      for (let f = 0; f < featureCount; f += 1) logit += contributions[row * featureCount + f] ?? 0;
      return sigmoid(logit);
    });
    return { scores, contributions };
  };
}

describe('checking a model’s outputs on reference rows', () => {
  let manifest: ModelManifest;

  beforeAll(async () => {
    manifest = (await readModelFolder(SHIPPED_MODEL_FOLDER)).manifest;
  });

  it('tries the baseline row first, then several rows taken from each feature’s training reference distribution', () => {
    const { rows, count } = buildReferenceRows(manifest);
    const featureCount = manifest.features.length;
    expect(count).toBeGreaterThanOrEqual(2);
    expect(rows).toHaveLength(count * featureCount);
    expect(Array.from(rows.subarray(0, featureCount))).toEqual(
      manifest.features.map((feature) => Math.fround(feature.baseline)),
    );
    manifest.referenceDistributions.forEach(({ edges }, f) => {
      const values = Array.from(
        { length: count - 1 },
        (_, q) => rows[(q + 1) * featureCount + f] ?? Number.NaN,
      );
      for (const value of values) {
        expect(value).toBeGreaterThanOrEqual(Math.fround(edges[0] ?? value));
      }
      // Taken at rising quantiles: never decreasing.
      expect(values).toEqual([...values].sort((a, b) => a - b));
    });
    // A yes-or-no feature mostly 1 in training (within the mobility radius) is 1 in most rows.
    const within = manifest.features.findIndex((feature) => feature.name === 'withinMobility');
    expect(rows[(count - 1) * featureCount + within]).toBe(1);
  });

  it('accepts the shipped models (1.1.0 and 1.0.0): their contributions add up to their scores within 1e-5', async () => {
    for (const folder of [SHIPPED_MODEL_FOLDER, PREVIOUS_SHIPPED_MODEL_FOLDER]) {
      const scorer = await OnnxScorer.create(await readModelFolder(folder));
      try {
        const { rows, count } = buildReferenceRows(scorer.manifest);
        const { scores, contributions } = await scorer.scoreMatrix(rows, count);
        const featureCount = scorer.manifest.features.length;
        for (let row = 0; row < count; row += 1) {
          let logit = scorer.manifest.intercept ?? Number.NaN;
          for (let f = 0; f < featureCount; f += 1)
            logit += contributions?.[row * featureCount + f] ?? Number.NaN;
          expect(Math.abs(sigmoid(logit) - (scores[row] ?? Number.NaN))).toBeLessThan(1e-5);
        }
      } finally {
        await scorer.close();
      }
    }
  });

  it('accepts an additive model whose score is a probability and whose contributions add up to it', async () => {
    await expect(checkModelOutputs(manifest, anAdditiveRun(manifest))).resolves.toBeUndefined();
  });

  it('refuses a score that is not a probability: above 1, below 0, NaN or infinite', async () => {
    for (const bad of [1.5, -0.25, Number.NaN, Number.POSITIVE_INFINITY]) {
      const run = async (rows: Float32Array, rowCount: number) => {
        const outputs = await anAdditiveRun(manifest)(rows, rowCount);
        outputs.scores[rowCount - 1] = bad;
        return outputs;
      };
      await expect(checkModelOutputs(manifest, run)).rejects.toThrow(
        new RegExp(`must be a probability between 0 and 1; it gave ${bad} for reference row`),
      );
    }
  });

  it('refuses contributions that are not all finite', async () => {
    const run = async (rows: Float32Array, rowCount: number) => {
      const outputs = await anAdditiveRun(manifest)(rows, rowCount);
      outputs.contributions?.fill(Number.NaN, 20, 21);
      return outputs;
    };
    await expect(checkModelOutputs(manifest, run)).rejects.toThrow(/must hold finite numbers/);
  });

  it('refuses exact contributions that do not add up to the score', async () => {
    const run = async (rows: Float32Array, rowCount: number) => {
      const outputs = await anAdditiveRun(manifest)(rows, rowCount);
      outputs.contributions?.forEach((value, k, all) => {
        all[k] = -value;
      });
      return outputs;
    };
    await expect(checkModelOutputs(manifest, run)).rejects.toThrow(/must add up to its score/);
  });

  it('refuses exact contributions that are not relative to the baselines (not 0 on the baseline row)', async () => {
    // The same model with a constant moved from the intercept into the first feature's term.
    const shifted = { ...manifest, intercept: (manifest.intercept ?? 0) - 0.3 };
    const run = async (rows: Float32Array, rowCount: number) => {
      const outputs = await anAdditiveRun(manifest)(rows, rowCount);
      for (let row = 0; row < rowCount; row += 1) {
        const at = row * manifest.features.length;
        outputs.contributions?.set([(outputs.contributions[at] ?? 0) + 0.3], at);
      }
      return outputs;
    };
    await expect(checkModelOutputs(shifted, run)).rejects.toThrow(
      /relative to the baselines: on the baseline row, occupationMatch contributes 0\.3/,
    );
  });

  it('does not weigh the contributions of a model explained by sampling against its score', async () => {
    const sampled: ModelManifest = { ...manifest, attributionMethod: 'sampled-shapley' };
    const run = async (rows: Float32Array, rowCount: number) => {
      const outputs = await anAdditiveRun(manifest)(rows, rowCount);
      outputs.contributions?.fill(0.5);
      return outputs;
    };
    await expect(checkModelOutputs(sampled, run)).resolves.toBeUndefined();
  });

  it('refuses a model that cannot score the reference rows in one run, saying so', async () => {
    const run = async (_rows: Float32Array, rowCount: number): Promise<ModelRunOutputs> => {
      if (rowCount > 1) throw new Error('Got invalid dimensions for input: x for the following indices');
      return { scores: Float32Array.of(0.5), contributions: null };
    };
    const refusal = checkModelOutputs(manifest, run);
    await expect(refusal).rejects.toThrow(ModelOutputError);
    await expect(refusal).rejects.toThrow(/cannot score \d+ rows in one run .*invalid dimensions/);
  });

  it('takes one score per row, as [N] or [N, 1], and contributions as [N, F]', () => {
    const featureCount = manifest.features.length;
    expect(() => assertOutputShapes(manifest, 3, [3], [3, featureCount])).not.toThrow();
    expect(() => assertOutputShapes(manifest, 3, [3, 1], null)).not.toThrow();
    for (const scoreDims of [[3, 2], [1], [3, 1, 1], []]) {
      expect(() => assertOutputShapes(manifest, 3, scoreDims, null)).toThrow(ModelOutputError);
    }
    for (const contributionDims of [[3], [3, featureCount + 1], [1, featureCount], [featureCount, 3]]) {
      expect(() => assertOutputShapes(manifest, 3, [3], contributionDims)).toThrow(/\[3, 15\]/);
    }
  });

  it('counts a score as usable only when it is a probability', () => {
    expect([0, 0.5, 1].every(isUsableScore)).toBe(true);
    expect(
      [1.0000001, -1e-9, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].some(isUsableScore),
    ).toBe(false);
  });
});
