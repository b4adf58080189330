import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictLogit, sigmoid, writeContributions } from '../../src/model/additive-model.ts';
import { FEATURE_COUNT } from '../../src/model/features.ts';
import { decodeOnnxModel } from '../../src/model/onnx-proto.ts';
import { type TrainedModel, trainModel } from '../../src/model/train-model.ts';
import { OnnxScorer } from '../../src/scoring/onnx-scorer.ts';
import { createRandom } from '../../src/shared/random.ts';
import { SMALL_TRAIN_OPTIONS } from './support/small-model.ts';

const ROWS = 5000;

/** Rows that hit every bin edge exactly, values between edges and values far outside the training range. */
function makeProbeRows(trained: TrainedModel): Float32Array {
  const random = createRandom(99);
  const rows = new Float32Array(ROWS * FEATURE_COUNT);
  for (let i = 0; i < ROWS; i += 1) {
    trained.model.terms.forEach((term, f) => {
      const edges = Array.from(term.edges);
      const low = (edges[0] ?? 0) - 10;
      const high = (edges[edges.length - 1] ?? 0) + 10;
      const value =
        edges.length > 0 && random.nextBoolean(0.4)
          ? random.pick(edges)
          : random.nextUniform(low - 100, high + 100);
      rows[i * FEATURE_COUNT + f] = value;
    });
  }
  return rows;
}

describe('exportToOnnx', () => {
  let trained: TrainedModel;
  let scorer: OnnxScorer;
  let rows: Float32Array;
  let outputs: Awaited<ReturnType<OnnxScorer['scoreMatrix']>>;

  beforeAll(async () => {
    trained = trainModel(SMALL_TRAIN_OPTIONS);
    scorer = await OnnxScorer.create({
      manifest: trained.manifest,
      onnx: trained.onnx,
      sha256: trained.sha256,
    });
    rows = makeProbeRows(trained);
    outputs = await scorer.scoreMatrix(rows, ROWS);
  });

  afterAll(async () => {
    await scorer.close();
  });

  it('writes IR version 8 with opset 17 and the manifest names for input and outputs', () => {
    const decoded = decodeOnnxModel(trained.onnx) as {
      irVersion: number;
      opsetImport: Array<{ version: number }>;
      graph: { input: Array<{ name: string }>; output: Array<{ name: string }> };
    };
    expect(decoded.irVersion).toBe(8);
    expect(decoded.opsetImport.map((opset) => opset.version)).toEqual([17]);
    expect(decoded.graph.input.map((input) => input.name)).toEqual([trained.manifest.input]);
    expect(decoded.graph.output.map((output) => output.name)).toEqual([
      trained.manifest.outputs.score,
      trained.manifest.outputs.contributions,
    ]);
  });

  it('matches the TypeScript model on thousands of rows, score and contributions, to 1e-5', () => {
    const expected = new Float32Array(FEATURE_COUNT);
    let worstScore = 0;
    let worstContribution = 0;
    for (let i = 0; i < ROWS; i += 1) {
      const score = sigmoid(predictLogit(trained.model, rows, i * FEATURE_COUNT));
      worstScore = Math.max(worstScore, Math.abs((outputs.scores[i] ?? Number.NaN) - score));
      writeContributions(trained.model, rows, i * FEATURE_COUNT, expected, 0);
      expected.forEach((value, f) => {
        const actual = outputs.contributions?.[i * FEATURE_COUNT + f] ?? Number.NaN;
        worstContribution = Math.max(worstContribution, Math.abs(actual - value));
      });
    }
    expect(worstScore).toBeLessThan(1e-5);
    expect(worstContribution).toBeLessThan(1e-5);
  });

  it('keeps logit(score) = intercept + sum of contributions, with the intercept of the manifest', () => {
    const intercept = trained.manifest.intercept ?? Number.NaN;
    let worst = 0;
    for (let i = 0; i < ROWS; i += 1) {
      let logit = intercept;
      for (let f = 0; f < FEATURE_COUNT; f += 1) {
        logit += outputs.contributions?.[i * FEATURE_COUNT + f] ?? Number.NaN;
      }
      worst = Math.max(worst, Math.abs((outputs.scores[i] ?? Number.NaN) - sigmoid(logit)));
    }
    expect(worst).toBeLessThan(1e-5);
  });

  it('gives zero contributions to a row at the baselines', async () => {
    const baselines = Float32Array.from(trained.manifest.features, (feature) => feature.baseline);
    const { scores, contributions } = await scorer.scoreMatrix(baselines, 1);
    expect(Array.from(contributions ?? [])).toEqual(new Array(FEATURE_COUNT).fill(0));
    expect(scores[0]).toBeCloseTo(sigmoid(trained.manifest.intercept ?? Number.NaN), 6);
  });
});
