import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { formatJson } from '../../../src/model/format-json.ts';
import type { ModelManifest } from '../../../src/model/manifest.ts';
import {
  CARD_FILE,
  computeSha256,
  MANIFEST_FILE,
  MODEL_FILE,
  readModelFolder,
} from '../../../src/model/model-folder.ts';
import {
  encodeOnnxModel,
  ONNX_ATTRIBUTE_TYPE,
  ONNX_DATA_TYPE,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from '../../../src/model/onnx-proto.ts';
import { createRandom } from '../../../src/shared/random.ts';
import { PREVIOUS_SHIPPED_MODEL_FOLDER, SHIPPED_MODEL_FOLDER } from '../../model/support/small-model.ts';

/** The shipped model's folder name, as the container registers it on start. */
export const SHIPPED_FOLDER = path.basename(SHIPPED_MODEL_FOLDER);

/** A model folder written for a test: where it is and what to register it with. */
export interface TestModelFolder {
  /** Folder name inside the models directory. */
  folder: string;
  /** The registry id it gets (`<name>-<version>`). */
  id: string;
  sha256: string;
}

/** The previously shipped model's folder name (1.0.0), still active in deployments made before 1.1.0. */
export const PREVIOUS_SHIPPED_FOLDER = path.basename(PREVIOUS_SHIPPED_MODEL_FOLDER);

/** Copies the previously shipped model folder, as the repository holds it, into a models directory. */
export async function copyPreviousShippedModel(modelsDir: string): Promise<void> {
  await cp(PREVIOUS_SHIPPED_MODEL_FOLDER, path.join(modelsDir, PREVIOUS_SHIPPED_FOLDER), { recursive: true });
}

/** A fresh models directory holding a copy of the shipped model folder. */
export async function createModelsDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aiguillage-models-'));
  await cp(SHIPPED_MODEL_FOLDER, path.join(dir, SHIPPED_FOLDER), { recursive: true });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The shipped model's manifest and sha256. */
export async function readShippedModel(): Promise<{ manifest: ModelManifest; sha256: string }> {
  const { manifest, sha256 } = await readModelFolder(SHIPPED_MODEL_FOLDER);
  return { manifest, sha256 };
}

/**
 * Writes a copy of the shipped model under another folder, with its manifest changed by `edit`
 * (a new version, a reordered feature list...). The ONNX bytes stay the shipped ones.
 */
export async function writeShippedVariant(
  modelsDir: string,
  folder: string,
  edit: (manifest: ModelManifest) => ModelManifest,
): Promise<TestModelFolder> {
  const { manifest, sha256 } = await readShippedModel();
  const edited = edit(manifest);
  await cp(SHIPPED_MODEL_FOLDER, path.join(modelsDir, folder), { recursive: true });
  await writeFile(path.join(modelsDir, folder, MANIFEST_FILE), formatJson(edited));
  return { folder, id: `${edited.name}-${edited.version}`, sha256 };
}

export interface MlpModelOptions {
  name?: string;
  version?: string;
  /** Seed of the weights. */
  seed?: number;
  hiddenUnits?: number;
}

/** Names in the MLP's graph, different from the shipped model's so that the manifest must say them. */
export const MLP_INPUT = 'x';
export const MLP_OUTPUT = 'probability';

/**
 * Writes a small non-additive model: a one-hidden-layer perceptron
 * `sigmoid(w2 · tanh(W1 · ((x − baseline) ⊙ s) + b1) + b2)` over the 15 features, with seeded
 * weights and no `contributions` output, so its attributions must be sampled. Each input is scaled
 * by `s` (one over its training range) so that no feature saturates the hidden units alone.
 */
export async function writeMlpModelFolder(
  modelsDir: string,
  options: MlpModelOptions = {},
): Promise<TestModelFolder> {
  const { manifest: shipped } = await readShippedModel();
  const name = options.name ?? 'test-mlp';
  const version = options.version ?? '0.1.0';
  const hidden = options.hiddenUnits ?? 8;
  const featureCount = shipped.features.length;
  const random = createRandom(options.seed ?? 11);
  const center = Float32Array.from(shipped.features, (feature) => feature.baseline);
  const scale = Float32Array.from(shipped.referenceDistributions, (distribution) => {
    const range = (distribution.edges.at(-1) ?? 0) - (distribution.edges[0] ?? 0);
    return range > 0 ? 1 / range : 1;
  });
  const w1 = Float32Array.from({ length: featureCount * hidden }, () => random.nextNormal() * 1.2);
  const b1 = Float32Array.from({ length: hidden }, () => random.nextNormal() * 0.3);
  const w2 = Float32Array.from({ length: hidden }, () => random.nextNormal() * 1.5);
  const b2 = Float32Array.of(-0.4);

  const initializer: OnnxTensor[] = [
    floatTensor('center', [featureCount], center),
    floatTensor('scale', [featureCount], scale),
    floatTensor('w1', [featureCount, hidden], w1),
    floatTensor('b1', [hidden], b1),
    floatTensor('w2', [hidden, 1], w2),
    floatTensor('b2', [1], b2),
    int64Tensor('squeeze_axes', [1]),
  ];
  const node: OnnxNode[] = [
    { name: 'center_x', opType: 'Sub', input: [MLP_INPUT, 'center'], output: ['centered'] },
    { name: 'scale_x', opType: 'Mul', input: ['centered', 'scale'], output: ['scaled'] },
    { name: 'layer1', opType: 'MatMul', input: ['scaled', 'w1'], output: ['z1'] },
    { name: 'bias1', opType: 'Add', input: ['z1', 'b1'], output: ['a1'] },
    { name: 'activation', opType: 'Tanh', input: ['a1'], output: ['h'] },
    { name: 'layer2', opType: 'MatMul', input: ['h', 'w2'], output: ['z2'] },
    { name: 'bias2', opType: 'Add', input: ['z2', 'b2'], output: ['logit'] },
    { name: 'sigmoid', opType: 'Sigmoid', input: ['logit'], output: ['probability_2d'] },
    { name: 'flatten', opType: 'Squeeze', input: ['probability_2d', 'squeeze_axes'], output: [MLP_OUTPUT] },
  ];
  const onnx = encodeTestModel(name, version, 'A small non-additive test model.', {
    docString: 'One hidden tanh layer; no contributions output.',
    node,
    initializer,
    input: [tensorInfo(MLP_INPUT, [{ dimParam: 'N' }, { dimValue: featureCount }])],
    output: [tensorInfo(MLP_OUTPUT, [{ dimParam: 'N' }])],
  });

  const { intercept: _intercept, training: _training, ...rest } = shipped;
  const manifest: ModelManifest = {
    ...rest,
    name,
    version,
    description: 'A small perceptron with seeded weights, for tests of model-agnostic attributions.',
    input: MLP_INPUT,
    outputs: { score: MLP_OUTPUT },
    attributionMethod: 'sampled-shapley',
    // Untrained: the metrics of a coin flip.
    metrics: { holdoutAuc: 0.5, holdoutLogLoss: Math.LN2 },
  };
  return writeTestModelFolder(modelsDir, onnx, manifest, 'A test perceptron. Not for use.');
}

/** Weights of a plain logistic model over the 15 features, with the signs one would expect. */
const LINEAR_WEIGHTS = [0.8, 1.0, -0.02, 0.5, 0.2, 0.2, 0.5, 0.0005, -0.02, 0.3, 0.3, 2.0, -0.1, -0.02, 0.02];

export interface LinearModelOptions {
  name?: string;
  version?: string;
  /**
   * What the `score` output holds: `sigmoid` (a probability, as the contract says), `double` (2 ×
   * the probability: up to 2), `nan` (NaN for every row), `two-columns` ([N, 2]: p and 1 − p, as
   * scikit-learn's predict_proba exports).
   */
  score?: 'sigmoid' | 'double' | 'nan' | 'two-columns';
  /** The batch dimension of the input and outputs: any number of rows (`N`), or one row at a time. */
  batch?: 'dynamic' | 1;
  /**
   * The `contributions` output: none (sampled attributions), `true` ((x − baseline) ⊙ w, which add up
   * to logit(score) with intercept 0), or `reversed` (their opposite: a model lying about its reasons).
   */
  contributions?: 'none' | 'true' | 'reversed';
  /** The element type of the outputs: float32, or float64 (as a model exported in doubles gives them). */
  outputType?: 'float' | 'double';
}

/** ONNX TensorProto.DataType of a float64. */
const ONNX_DOUBLE = 11;

/**
 * Writes a model folder holding a logistic model logit = (x − baseline) · w (intercept 0, so the
 * baseline row scores 0.5), with the shipped model's manifest otherwise (features, phrases,
 * baselines, drift reference), or one of the ways an exported model breaks the model contract.
 */
export async function writeLinearModelFolder(
  modelsDir: string,
  options: LinearModelOptions = {},
): Promise<TestModelFolder> {
  const { manifest: shipped } = await readShippedModel();
  const name = options.name ?? 'test-linear';
  const version = options.version ?? '0.1.0';
  const score = options.score ?? 'sigmoid';
  const contributions = options.contributions ?? 'none';
  const featureCount = shipped.features.length;
  const batch = options.batch === 1 ? { dimValue: 1 } : { dimParam: 'N' };
  const initializer: OnnxTensor[] = [
    floatTensor(
      'baseline',
      [featureCount],
      Float32Array.from(shipped.features, (feature) => feature.baseline),
    ),
    floatTensor(
      'w',
      [featureCount],
      Float32Array.from(shipped.features, (_, f) => LINEAR_WEIGHTS[f] ?? 0),
    ),
    int64Tensor('axis_features', [1]),
  ];
  // Constants only where a node uses them: the runtime warns about every unused one.
  if (score === 'nan' || contributions === 'reversed') {
    initializer.push(floatTensor('minus_one', [1], Float32Array.of(-1)));
  }
  const node: OnnxNode[] = [
    { name: 'center', opType: 'Sub', input: ['x', 'baseline'], output: ['centered'] },
    { name: 'terms', opType: 'Mul', input: ['centered', 'w'], output: ['terms'] },
    {
      name: 'sum',
      opType: 'ReduceSum',
      input: ['terms', 'axis_features'],
      output: ['logit'],
      attribute: [{ name: 'keepdims', type: ONNX_ATTRIBUTE_TYPE.int, i: 0 }],
    },
    { name: 'sigmoid', opType: 'Sigmoid', input: ['logit'], output: ['p'] },
  ];
  if (score === 'sigmoid') {
    node.push({ name: 'same', opType: 'Identity', input: ['p'], output: ['score'] });
  } else if (score === 'double') {
    initializer.push(floatTensor('two', [1], Float32Array.of(2)));
    node.push({ name: 'double', opType: 'Mul', input: ['p', 'two'], output: ['score'] });
  } else if (score === 'nan') {
    // log(−p) is NaN for every p > 0.
    node.push({ name: 'negate', opType: 'Mul', input: ['p', 'minus_one'], output: ['minus_p'] });
    node.push({ name: 'log', opType: 'Log', input: ['minus_p'], output: ['score'] });
  } else {
    initializer.push(floatTensor('one', [1], Float32Array.of(1)), int64Tensor('axis_columns', [1]));
    node.push({ name: 'complement', opType: 'Sub', input: ['one', 'p'], output: ['q'] });
    node.push({ name: 'p_col', opType: 'Unsqueeze', input: ['p', 'axis_columns'], output: ['p2'] });
    node.push({ name: 'q_col', opType: 'Unsqueeze', input: ['q', 'axis_columns'], output: ['q2'] });
    node.push({
      name: 'both',
      opType: 'Concat',
      input: ['p2', 'q2'],
      output: ['score'],
      attribute: [{ name: 'axis', type: ONNX_ATTRIBUTE_TYPE.int, i: 1 }],
    });
  }
  const elemType = options.outputType === 'double' ? ONNX_DOUBLE : ONNX_DATA_TYPE.float;
  const outputs = [
    tensorInfo('score', score === 'two-columns' ? [batch, { dimValue: 2 }] : [batch], elemType),
  ];
  if (contributions === 'true') {
    node.push({ name: 'contrib', opType: 'Identity', input: ['terms'], output: ['contributions'] });
  } else if (contributions === 'reversed') {
    node.push({ name: 'contrib', opType: 'Mul', input: ['terms', 'minus_one'], output: ['contributions'] });
  }
  if (contributions !== 'none') {
    outputs.push(tensorInfo('contributions', [batch, { dimValue: featureCount }], elemType));
  }
  if (options.outputType === 'double') {
    // Computed in float32 as above, each output cast to float64 at the end.
    for (const { name: output } of outputs) {
      const producer = node.findIndex((n) => n.output.includes(output));
      const computed = node[producer];
      if (computed === undefined) continue;
      node[producer] = { ...computed, output: computed.output.map((o) => (o === output ? `${o}_float` : o)) };
      node.push({
        name: `${output}_double`,
        opType: 'Cast',
        input: [`${output}_float`],
        output: [output],
        attribute: [{ name: 'to', type: ONNX_ATTRIBUTE_TYPE.int, i: ONNX_DOUBLE }],
      });
    }
  }
  const onnx = encodeTestModel(name, version, 'A logistic test model.', {
    docString: 'logit = (x − baseline) · w',
    node,
    initializer,
    input: [tensorInfo('x', [batch, { dimValue: featureCount }])],
    output: outputs,
  });

  const { intercept: _intercept, training: _training, ...rest } = shipped;
  const manifest: ModelManifest = {
    ...rest,
    name,
    version,
    description: 'A logistic test model.',
    input: 'x',
    outputs:
      contributions === 'none' ? { score: 'score' } : { score: 'score', contributions: 'contributions' },
    attributionMethod: contributions === 'none' ? 'sampled-shapley' : 'exact-additive',
    ...(contributions === 'none' ? {} : { intercept: 0 }),
    metrics: { holdoutAuc: 0.7, holdoutLogLoss: 0.6 },
  };
  return writeTestModelFolder(modelsDir, onnx, manifest, 'A test model. Not for use.');
}

/** A test model's ONNX bytes: `graph` under the header every test model shares. */
/**
 * Writes a model whose input is not the contract's float32 [N, F]: `columns` columns (F by default)
 * of `inputType`. It sums its input and returns σ of the sum as `score`, sampled attributions.
 */
export async function writeMisshapenInputModelFolder(
  modelsDir: string,
  options: { name: string; columns?: number; inputType?: 'float' | 'double' },
): Promise<TestModelFolder> {
  const { manifest: shipped } = await readShippedModel();
  const columns = options.columns ?? shipped.features.length;
  const double = options.inputType === 'double';
  const node: OnnxNode[] = [];
  if (double) {
    node.push({
      name: 'to_float',
      opType: 'Cast',
      input: ['x'],
      output: ['xf'],
      attribute: [{ name: 'to', type: ONNX_ATTRIBUTE_TYPE.int, i: ONNX_DATA_TYPE.float }],
    });
  }
  node.push(
    {
      name: 'sum',
      opType: 'ReduceSum',
      input: [double ? 'xf' : 'x', 'axis_features'],
      output: ['logit'],
      attribute: [{ name: 'keepdims', type: ONNX_ATTRIBUTE_TYPE.int, i: 0 }],
    },
    { name: 'sigmoid', opType: 'Sigmoid', input: ['logit'], output: ['score'] },
  );
  const onnx = encodeTestModel(options.name, '0.1.0', 'A model with the wrong input.', {
    docString: 'score = σ(Σ x)',
    node,
    initializer: [int64Tensor('axis_features', [1])],
    input: [
      tensorInfo(
        'x',
        [{ dimParam: 'N' }, { dimValue: columns }],
        double ? ONNX_DOUBLE : ONNX_DATA_TYPE.float,
      ),
    ],
    output: [tensorInfo('score', [{ dimParam: 'N' }])],
  });
  const { intercept: _intercept, training: _training, ...rest } = shipped;
  const manifest: ModelManifest = {
    ...rest,
    name: options.name,
    version: '0.1.0',
    description: 'A model with the wrong input.',
    input: 'x',
    outputs: { score: 'score' },
    attributionMethod: 'sampled-shapley',
    metrics: { holdoutAuc: 0.5, holdoutLogLoss: 0.7 },
  };
  return writeTestModelFolder(modelsDir, onnx, manifest, 'A test model. Not for use.');
}

function encodeTestModel(
  name: string,
  version: string,
  docString: string,
  graph: Omit<Parameters<typeof encodeOnnxModel>[0]['graph'], 'name'>,
): Uint8Array {
  return encodeOnnxModel({
    irVersion: 8,
    producerName: 'aiguillage-tests',
    producerVersion: version,
    domain: 'fr.aiguillage.tests',
    modelVersion: 1,
    docString,
    opsetImport: [{ domain: '', version: 17 }],
    metadataProps: [],
    graph: { name: `${name}-${version}`, ...graph },
  });
}

/** Writes a test model's folder `<name>-<version>`: its graph, its manifest and a one-line card. */
async function writeTestModelFolder(
  modelsDir: string,
  onnx: Uint8Array,
  manifest: ModelManifest,
  cardLine: string,
): Promise<TestModelFolder> {
  const folder = `${manifest.name}-${manifest.version}`;
  const location = path.join(modelsDir, folder);
  await mkdir(location, { recursive: true });
  await writeFile(path.join(location, MODEL_FILE), onnx);
  await writeFile(path.join(location, MANIFEST_FILE), formatJson(manifest));
  await writeFile(
    path.join(location, CARD_FILE),
    `# Model card — ${manifest.name} ${manifest.version}\n\n${cardLine}\n`,
  );
  return { folder, id: folder, sha256: computeSha256(onnx) };
}

// Raw tensor data is little-endian, as typed arrays are on every platform Node runs tests on.
function floatTensor(name: string, dims: number[], values: Float32Array): OnnxTensor {
  return { name, dims, dataType: ONNX_DATA_TYPE.float, rawData: new Uint8Array(values.slice().buffer) };
}

function int64Tensor(name: string, values: number[]): OnnxTensor {
  return {
    name,
    dims: [values.length],
    dataType: ONNX_DATA_TYPE.int64,
    rawData: new Uint8Array(BigInt64Array.from(values, (value) => BigInt(value)).buffer),
  };
}

function tensorInfo(
  name: string,
  dim: OnnxValueInfo['type']['tensorType']['shape']['dim'],
  elemType: number = ONNX_DATA_TYPE.float,
): OnnxValueInfo {
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

/**
 * Rewrites a model folder's file as someone editing the models directory would, and returns how to
 * put the original bytes back.
 */
export async function changeModelFile(
  modelsDir: string,
  folder: string,
  file: string,
  change: (content: string) => string,
): Promise<{ restore(): Promise<void> }> {
  const location = path.join(modelsDir, folder, file);
  const original = await readFile(location);
  await writeFile(location, change(original.toString('utf8')));
  return { restore: () => writeFile(location, original) };
}

/** Removes a file of a model folder, and returns how to put it back. */
export async function removeModelFile(
  modelsDir: string,
  folder: string,
  file: string,
): Promise<{ restore(): Promise<void> }> {
  const location = path.join(modelsDir, folder, file);
  const original = await readFile(location);
  await rm(location);
  return { restore: () => writeFile(location, original) };
}

/**
 * Changes a model folder's manifest.json into another valid manifest: the first feature's phrase
 * for job seekers reworded, which the model card and the ONNX bytes do not show.
 */
export function rewordManifest(modelsDir: string, folder: string): Promise<{ restore(): Promise<void> }> {
  return changeModelFile(modelsDir, folder, MANIFEST_FILE, (content) => {
    const manifest = JSON.parse(content) as ModelManifest;
    const [first, ...rest] = manifest.features;
    if (first === undefined) throw new Error('the manifest lists no feature');
    const reworded = { ...first, positivePhraseFr: 'cette formation est faite pour vous' };
    return formatJson({ ...manifest, features: [reworded, ...rest] });
  });
}

/** Changes a model folder's MODEL_CARD.md: a sentence added at the end. */
export function rewriteCard(modelsDir: string, folder: string): Promise<{ restore(): Promise<void> }> {
  return changeModelFile(
    modelsDir,
    folder,
    CARD_FILE,
    (content) => `${content}\nThis model has no known limits.\n`,
  );
}

/** The SHA-256 of a file of a model folder as it is now. */
export async function hashModelFile(modelsDir: string, folder: string, file: string): Promise<string> {
  return computeSha256(await readFile(path.join(modelsDir, folder, file)));
}
