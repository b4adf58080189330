import type { AdditiveModel } from './additive-model.ts';
import {
  encodeOnnxModel,
  ONNX_ATTRIBUTE_TYPE,
  ONNX_DATA_TYPE,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './onnx-proto.ts';

/** ONNX names of the model's input and outputs, as the manifest states them. */
export const ONNX_INPUT = 'features';
export const ONNX_SCORE_OUTPUT = 'score';
export const ONNX_CONTRIBUTIONS_OUTPUT = 'contributions';

/** IR 8 with opset 17 is what onnxruntime-node 1.30 loads (see STACK.md). */
const IR_VERSION = 8;
const OPSET = 17;

export interface OnnxExportOptions {
  name: string;
  version: string;
  /** Free text stored in the model's doc string. */
  description: string;
}

/**
 * Exports an additive model to ONNX bytes. The graph reproduces the TypeScript predictor exactly:
 *
 * features [N,F] ─Unsqueeze→ [N,F,1] ─Less(edges [F,B], ·)→ [N,F,B] ─Cast int64─ReduceSum axis 2→ bin [N,F]
 * bin + f·(B+1) ─Gather(table)→ contributions [N,F] ─ReduceSum axis 1 + intercept─Sigmoid→ score [N]
 *
 * Edges are padded with +∞ (never below a value) so every feature shares one [F,B] tensor, and the
 * table holds each feature's baseline-relative contributions, so the `contributions` output is the
 * attribution itself and logit(score) = intercept + Σ contributions.
 */
export function exportToOnnx(model: AdditiveModel, options: OnnxExportOptions): Uint8Array {
  const featureCount = model.terms.length;
  const edgeWidth = Math.max(1, ...model.terms.map((term) => term.edges.length));
  const tableWidth = edgeWidth + 1;
  const edges = new Float32Array(featureCount * edgeWidth).fill(Number.POSITIVE_INFINITY);
  const table = new Float32Array(featureCount * tableWidth);
  const offsets: number[] = [];
  model.terms.forEach((term, f) => {
    edges.set(term.edges, f * edgeWidth);
    table.set(term.contributions, f * tableWidth);
    offsets.push(f * tableWidth);
  });

  const initializer: OnnxTensor[] = [
    floatTensor('bin_edges', [featureCount, edgeWidth], edges),
    floatTensor('term_table', [featureCount * tableWidth], table),
    floatTensor('intercept', [], Float32Array.of(model.intercept)),
    int64Tensor('term_offsets', [featureCount], offsets),
    int64Tensor('axis_bins', [1], [2]),
    int64Tensor('axis_features', [1], [1]),
  ];
  const node: OnnxNode[] = [
    { name: 'unsqueeze', opType: 'Unsqueeze', input: [ONNX_INPUT, 'axis_bins'], output: ['features_3d'] },
    { name: 'compare', opType: 'Less', input: ['bin_edges', 'features_3d'], output: ['above_edge'] },
    {
      name: 'to_int',
      opType: 'Cast',
      input: ['above_edge'],
      output: ['above_edge_int'],
      attribute: [{ name: 'to', type: ONNX_ATTRIBUTE_TYPE.int, i: ONNX_DATA_TYPE.int64 }],
    },
    {
      name: 'count_edges',
      opType: 'ReduceSum',
      input: ['above_edge_int', 'axis_bins'],
      output: ['bin_index'],
      attribute: [{ name: 'keepdims', type: ONNX_ATTRIBUTE_TYPE.int, i: 0 }],
    },
    { name: 'offset', opType: 'Add', input: ['bin_index', 'term_offsets'], output: ['table_index'] },
    {
      name: 'lookup',
      opType: 'Gather',
      input: ['term_table', 'table_index'],
      output: [ONNX_CONTRIBUTIONS_OUTPUT],
      attribute: [{ name: 'axis', type: ONNX_ATTRIBUTE_TYPE.int, i: 0 }],
    },
    {
      name: 'sum_terms',
      opType: 'ReduceSum',
      input: [ONNX_CONTRIBUTIONS_OUTPUT, 'axis_features'],
      output: ['term_sum'],
      attribute: [{ name: 'keepdims', type: ONNX_ATTRIBUTE_TYPE.int, i: 0 }],
    },
    { name: 'add_intercept', opType: 'Add', input: ['term_sum', 'intercept'], output: ['logit'] },
    { name: 'probability', opType: 'Sigmoid', input: ['logit'], output: [ONNX_SCORE_OUTPUT] },
  ];

  return encodeOnnxModel({
    irVersion: IR_VERSION,
    producerName: 'aiguillage',
    producerVersion: options.version,
    domain: 'fr.aiguillage',
    modelVersion: 1,
    docString: options.description,
    opsetImport: [{ domain: '', version: OPSET }],
    metadataProps: [
      { key: 'name', value: options.name },
      { key: 'version', value: options.version },
      { key: 'features', value: model.terms.map((term) => term.feature).join(',') },
    ],
    graph: {
      name: `${options.name}-${options.version}`,
      docString: 'Explainable boosting machine: score and exact per-feature contributions.',
      node,
      initializer,
      input: [tensorInfo(ONNX_INPUT, [{ dimParam: 'N' }, { dimValue: featureCount }])],
      output: [
        tensorInfo(ONNX_SCORE_OUTPUT, [{ dimParam: 'N' }]),
        tensorInfo(ONNX_CONTRIBUTIONS_OUTPUT, [{ dimParam: 'N' }, { dimValue: featureCount }]),
      ],
    },
  });
}

function floatTensor(name: string, dims: number[], values: Float32Array): OnnxTensor {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  values.forEach((value, i) => {
    view.setFloat32(i * 4, value, true);
  });
  return { name, dims, dataType: ONNX_DATA_TYPE.float, rawData: raw };
}

function int64Tensor(name: string, dims: number[], values: readonly number[]): OnnxTensor {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((value, i) => {
    view.setBigInt64(i * 8, BigInt(value), true);
  });
  return { name, dims, dataType: ONNX_DATA_TYPE.int64, rawData: raw };
}

function tensorInfo(name: string, dim: OnnxValueInfo['type']['tensorType']['shape']['dim']): OnnxValueInfo {
  return { name, type: { tensorType: { elemType: ONNX_DATA_TYPE.float, shape: { dim } } } };
}
