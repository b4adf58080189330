import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { CourseBatch } from '../courses/course-table.ts';
import { computeFeatureMatrix, FEATURE_NAMES, type FeatureProfile } from '../model/features.ts';
import { assertFeatureList, type ModelManifest } from '../model/manifest.ts';
import {
  type ExpectedModelHashes,
  type LoadedModelFolder,
  MODEL_FILE,
  readModelFolder,
} from '../model/model-folder.ts';
import {
  addsUpToScore,
  assertOutputShapes,
  checkModelOutputs,
  type FloatValues,
  ModelOutputError,
  type ModelRunOutputs,
} from './model-output-check.ts';
import { DEFAULT_SHAPLEY_OPTIONS, estimateShapleyValues } from './sampled-shapley.ts';
import type {
  AttributionResult,
  CourseScore,
  ModelIdentity,
  Scorer,
  ScoringOptions,
  ScoringResult,
} from './scorer.ts';
import { selectTopIndexes } from './select-top-scores.ts';

/**
 * Scores with an ONNX model through onnxruntime-node: the only module that imports the runtime.
 * One session per model, warmed up at load (the first run is slow), one run per request.
 */
export class OnnxScorer implements Scorer {
  readonly model: ModelIdentity;

  private constructor(
    readonly manifest: ModelManifest,
    sha256: string,
    private readonly session: InferenceSession,
  ) {
    this.model = { name: manifest.name, version: manifest.version, sha256 };
  }

  /**
   * Loads `<folder>/model.onnx` and `manifest.json`, refusing bytes whose SHA-256 is not the expected
   * one (model.onnx's alone when given a string; the manifest's too when given its hash), a
   * manifest whose features are not the ones this code computes, and a model whose outputs on the
   * reference rows break the model contract ({@link checkModelOutputs}: a `ModelOutputError`).
   */
  static async load(folder: string, expected: string | ExpectedModelHashes): Promise<OnnxScorer> {
    return OnnxScorer.create(await readModelFolder(folder, expected));
  }

  /**
   * Builds a scorer from a model already read (and checked) by the caller, once its outputs on the
   * reference rows keep the model contract (which warms the session up).
   */
  static async create(loaded: Pick<LoadedModelFolder, 'manifest' | 'onnx' | 'sha256'>): Promise<OnnxScorer> {
    const { manifest, onnx, sha256 } = loaded;
    assertFeatureList(manifest, FEATURE_NAMES);
    const session = await InferenceSession.create(onnx, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      // The runtime's worker threads keep their default and busy-wait a moment after each run. Put
      // to sleep instead, they woke late after the suggestion's commit had waited on the disk: the
      // next run took 13–16 ms instead of 9 (decision record 0009).
    }).catch((error: unknown) => {
      throw describeUnreadableModel(onnx, error);
    });
    const outputs = [manifest.outputs.score, manifest.outputs.contributions].filter(
      (name) => name !== undefined,
    );
    const missing = [
      ...[manifest.input].filter((name) => !session.inputNames.includes(name)),
      ...outputs.filter((name) => !session.outputNames.includes(name)),
    ];
    if (missing.length > 0) {
      await session.release();
      throw new Error(`the ONNX graph lacks ${missing.join(', ')} named in the manifest`);
    }
    const misshapen = describeMisshapenInput(manifest, session.inputMetadata);
    if (misshapen !== undefined) {
      await session.release();
      throw new ModelOutputError(misshapen);
    }
    const scorer = new OnnxScorer(manifest, sha256, session);
    try {
      await checkModelOutputs(manifest, (rows, rowCount) => scorer.scoreMatrix(rows, rowCount));
    } catch (error) {
      await session.release();
      throw error;
    }
    return scorer;
  }

  async scoreCourses(
    profile: FeatureProfile,
    batch: CourseBatch,
    referenceDate: Date,
    options: ScoringOptions = {},
  ): Promise<ScoringResult> {
    const { courses, rows } = batch;
    const count = rows.length;
    if (courses.length !== count) {
      throw new RangeError(`a batch of ${courses.length} courses names ${count} rows`);
    }
    // The manifest's features are the ones this code computes, in order (checked at load).
    const featureCount = this.manifest.features.length;
    const matrix = computeFeatureMatrix(profile, referenceDate, batch.table, rows);
    const { scores, contributions } =
      count === 0
        ? { scores: new Float32Array(0), contributions: null }
        : await this.scoreMatrix(matrix, count);
    const toRow = (index: number): CourseScore => ({
      courseId: courses[index]?.id ?? '',
      index,
      score: scores[index] ?? Number.NaN,
      features: copyRow(matrix, index, featureCount),
      contributions: contributions === null ? null : copyRow(contributions, index, featureCount),
    });
    const kept =
      options.keepBest === undefined
        ? courses.map((_, index) => index)
        : selectTopIndexes(
            count,
            (index) => scores[index] ?? Number.NaN,
            (index) => courses[index]?.id ?? '',
            options.keepBest,
          ).sort((a, b) => a - b);
    return {
      model: this.model,
      attributionMethod: this.manifest.attributionMethod,
      scores: kept.map(toRow),
    };
  }

  async attribute(
    _profile: FeatureProfile,
    scored: readonly CourseScore[],
    _referenceDate: Date,
  ): Promise<AttributionResult> {
    // A model that passed its checks on the reference rows may still give an odd row a contribution
    // that is not a number, or contributions that do not add up to its score: the batch is then
    // estimated, and says so, rather than logged and explained as exact.
    const intercept = this.manifest.intercept ?? 0;
    const exact = scored.every(
      (row) =>
        row.contributions?.every(Number.isFinite) === true &&
        addsUpToScore(intercept, row.contributions, row.score),
    );
    if (exact && this.manifest.attributionMethod === 'exact-additive') {
      return {
        rows: scored.map((row) => ({ ...row, contributions: row.contributions ?? [] })),
        method: { method: 'exact-additive' },
      };
    }
    const featureCount = this.manifest.features.length;
    const rows = Float32Array.from(scored.flatMap((row) => row.features));
    const baseline = Float32Array.from(this.manifest.features, (feature) => feature.baseline);
    const estimate = await estimateShapleyValues(rows, scored.length, baseline, async (matrix, count) => {
      return (await this.scoreMatrix(matrix, count)).scores;
    });
    return {
      rows: scored.map((row, i) => ({
        ...row,
        contributions: copyRow(estimate.values, i, featureCount),
      })),
      method: {
        method: 'sampled-shapley',
        samples: DEFAULT_SHAPLEY_OPTIONS.permutations,
        errorEstimate: estimate.errorEstimate,
      },
    };
  }

  /** Runs the model once on a row-major [rowCount, F] matrix; outputs of another shape are a `ModelOutputError`. */
  async scoreMatrix(features: Float32Array, rowCount: number): Promise<ModelRunOutputs> {
    const featureCount = this.manifest.features.length;
    if (features.length !== rowCount * featureCount) {
      throw new RangeError(`expected ${rowCount} × ${featureCount} values, got ${features.length}`);
    }
    const { outputs } = this.manifest;
    const fetches =
      outputs.contributions === undefined ? [outputs.score] : [outputs.score, outputs.contributions];
    const results = await this.session.run(
      { [this.manifest.input]: new Tensor('float32', features, [rowCount, featureCount]) },
      fetches,
    );
    const scoreTensor = results[outputs.score];
    if (scoreTensor === undefined) throw new ModelOutputError(`output ${outputs.score} gave nothing`);
    const scores = readFloatValues(outputs.score, scoreTensor);
    const contributionTensor =
      outputs.contributions === undefined ? undefined : results[outputs.contributions];
    const contributions =
      outputs.contributions === undefined || contributionTensor === undefined
        ? null
        : readFloatValues(outputs.contributions, contributionTensor);
    assertOutputShapes(this.manifest, rowCount, scoreTensor.dims, contributionTensor?.dims ?? null);
    return { scores, contributions };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/** The values of output `name`: a float32 or float64 tensor, any other type refused, by name. */
function readFloatValues(name: string, tensor: Tensor): FloatValues {
  const { data } = tensor;
  if (data instanceof Float32Array || data instanceof Float64Array) return data;
  throw new ModelOutputError(`output ${name} is a ${tensor.type} tensor; it must be float32 or float64`);
}

/**
 * Copies row `row` of a row-major matrix into a plain array. A plain loop: `Array.from` over a
 * typed-array view goes through the iterator protocol and made building 10,000 rows cost several
 * times the ONNX run itself.
 */
function copyRow(matrix: FloatValues, row: number, width: number): number[] {
  const values = new Array<number>(width);
  const start = row * width;
  for (let k = 0; k < width; k += 1) values[k] = matrix[start + k] ?? Number.NaN;
  return values;
}

/**
 * Why the runtime could not read model.onnx, in words an admin acts on: its own message ("protobuf
 * parsing failed", "Model data pointer is null") names neither the file nor what to do.
 */
function describeUnreadableModel(onnx: Uint8Array, error: unknown): Error {
  if (onnx.length === 0) {
    return new Error(`${MODEL_FILE} is empty (0 bytes): copy it whole again, or export it again`);
  }
  return new Error(
    `the runtime could not read ${MODEL_FILE} (${(error as Error).message}): a file cut short or damaged on ` +
      'its way reads so, as does a model in an ONNX version the runtime does not know (IR version 8 and opset 17 ' +
      'load); copy it whole again, or export it again',
  );
}

/**
 * Why the graph's declared input is not the contract's float32 [N, F] (F the manifest's features, in
 * its order), or undefined when it is, or when the graph leaves its type or width undeclared (the
 * run on the reference rows then tells). The runtime's own refusal of the first run spoke of rows
 * that could not be scored, not of the columns or the type the export got wrong.
 */
function describeMisshapenInput(
  manifest: ModelManifest,
  inputs: readonly InferenceSession.ValueMetadata[],
): string | undefined {
  const input = inputs.find((value) => value.name === manifest.input);
  if (input === undefined || !input.isTensor || input.shape.length === 0) return undefined;
  const featureCount = manifest.features.length;
  const columns = input.shape[1];
  const rightWidth = input.shape.length === 2 && (typeof columns !== 'number' || columns === featureCount);
  if (input.type === 'float32' && rightWidth) return undefined;
  return (
    `input ${input.name} is ${input.type} [${input.shape.join(', ')}]; the model contract needs float32 ` +
    `[N, ${featureCount}], one column per feature of the manifest in its order: export the model again with a ` +
    `float32 input of ${featureCount} columns`
  );
}
