import { findUnstorableTexts, UNSTORABLE_REASON } from '../shared/storable-text.ts';

/** One model input column, in the model's column order, with what people read about it. */
export interface ManifestFeature {
  name: string;
  labelFr: string;
  labelEn: string;
  /** The reference value attributions are measured against (the training median for the shipped EBM). */
  baseline: number;
  /** Plain French for a job seeker when the feature speaks for a course. */
  positivePhraseFr: string;
  /** Plain French for a job seeker when the feature speaks against a course. */
  negativePhraseFr: string;
}

/**
 * A feature's reference distribution for drift monitoring (PSI): the values a model is expected to be
 * logged with, which `referenceDescription` states (for the shipped EBM, the suggestions the service
 * would keep for the training people).
 */
export interface ReferenceDistribution {
  feature: string;
  /** Ascending bin edges; bin k holds (edges[k-1], edges[k]]. */
  edges: number[];
  /** Share of the reference's values per bin: edges.length + 1 values summing to 1. */
  shares: number[];
}

/** Holdout performance, as reported on the model card. */
export interface EvaluationMetrics {
  holdoutAuc: number;
  holdoutLogLoss: number;
  holdoutBrier?: number;
  holdoutRows?: number;
  trainingRows?: number;
  /** Share of good outcomes in the holdout set. */
  holdoutPositiveRate?: number;
}

/**
 * How attributions are obtained: `exact-additive` when the ONNX graph returns each feature's
 * additive term (logit(score) = intercept + Σ contributions), `sampled-shapley` when the model has
 * no `contributions` output and the service estimates them against the baselines.
 */
export type AttributionMethod = 'exact-additive' | 'sampled-shapley';

export const ATTRIBUTION_METHODS: readonly AttributionMethod[] = ['exact-additive', 'sampled-shapley'];

/** Where a model comes from, for the audit trail. */
export interface TrainingProvenance {
  algorithm: string;
  dataset: string;
  seed?: number;
  /** Numeric settings and facts of the run (hyper-parameters, rounds, row counts). */
  settings?: Record<string, number>;
}

/**
 * The manifest beside every model.onnx (`manifest.json`): what the registry, the scorer and the
 * explanation code need to use the model without guessing.
 */
export interface ModelManifest {
  manifestVersion: 1;
  name: string;
  version: string;
  description: string;
  /** Name of the ONNX input, float32 [N, F] with F = features.length in this order. */
  input: string;
  outputs: {
    /** float32 [N]: probability of a good outcome. */
    score: string;
    /** float32 [N, F]: each feature's additive term in logit space, relative to its baseline. */
    contributions?: string;
  };
  features: ManifestFeature[];
  attributionMethod: AttributionMethod;
  /** Present with exact-additive attribution: logit(score) = intercept + Σ contributions. */
  intercept?: number;
  referenceDistributions: ReferenceDistribution[];
  /** What the reference distributions were computed from, in words (older manifests have none). */
  referenceDescription?: string;
  metrics: EvaluationMetrics;
  training?: TrainingProvenance;
}

/** A manifest that does not hold together; `path` says where. */
export class ManifestError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`manifest ${path}: ${problem}`);
    this.name = 'ManifestError';
  }
}

/** Parses untrusted JSON into a {@link ModelManifest}, or throws a {@link ManifestError}. */
export function parseModelManifest(json: unknown): ModelManifest {
  const root = readObject(json, '$');
  if (root.manifestVersion !== 1) {
    throw new ManifestError('$.manifestVersion', 'must be 1');
  }
  const outputsObject = readObject(root.outputs, '$.outputs');
  const outputs: ModelManifest['outputs'] = { score: readString(outputsObject.score, '$.outputs.score') };
  if (outputsObject.contributions !== undefined) {
    outputs.contributions = readString(outputsObject.contributions, '$.outputs.contributions');
  }
  const features = readArray(root.features, '$.features').map((item, i) =>
    readFeature(item, `$.features[${i}]`),
  );
  if (features.length === 0) {
    throw new ManifestError('$.features', 'must not be empty');
  }
  const names = features.map((feature) => feature.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) {
    throw new ManifestError('$.features', `feature ${duplicate} appears twice`);
  }
  const attributionMethod = readString(root.attributionMethod, '$.attributionMethod');
  if (!isAttributionMethod(attributionMethod)) {
    throw new ManifestError('$.attributionMethod', `must be one of ${ATTRIBUTION_METHODS.join(', ')}`);
  }
  const manifest: ModelManifest = {
    manifestVersion: 1,
    name: readString(root.name, '$.name'),
    version: readString(root.version, '$.version'),
    description: readString(root.description, '$.description'),
    input: readString(root.input, '$.input'),
    outputs,
    features,
    attributionMethod,
    referenceDistributions: readReferenceDistributions(root.referenceDistributions, names),
    metrics: readMetrics(root.metrics),
  };
  if (root.intercept !== undefined) {
    manifest.intercept = readNumber(root.intercept, '$.intercept');
  }
  if (
    attributionMethod === 'exact-additive' &&
    (outputs.contributions === undefined || manifest.intercept === undefined)
  ) {
    throw new ManifestError(
      '$.attributionMethod',
      'exact-additive needs outputs.contributions and intercept',
    );
  }
  if (root.referenceDescription !== undefined) {
    manifest.referenceDescription = readString(root.referenceDescription, '$.referenceDescription');
  }
  if (root.training !== undefined) {
    manifest.training = readProvenance(root.training);
  }
  return manifest;
}

/** Throws unless the manifest's features are exactly `expected`, in that order (the registry's and scorer's check). */
export function assertFeatureList(manifest: ModelManifest, expected: readonly string[]): void {
  const actual = manifest.features.map((feature) => feature.name);
  if (actual.length !== expected.length || actual.some((name, i) => name !== expected[i])) {
    throw new ManifestError(
      '$.features',
      `expected [${expected.join(', ')}] in this order, found [${actual.join(', ')}]`,
    );
  }
}

/**
 * Throws unless every text of the manifest (member names included) is one both engines store as
 * written (`storable-text.ts`): its labels go into the explanation stored with each suggestion, and
 * one holding a NUL made every suggestion a 500 on PostgreSQL. Checked at registration only, so that
 * a model registered earlier is still listed.
 */
export function assertStorableTexts(manifest: ModelManifest): void {
  const [first] = findUnstorableTexts(manifest, '$', (parent, key, inArray) =>
    inArray ? `${parent}[${key}]` : `${parent}.${key}`,
  );
  if (first === undefined) return;
  throw new ManifestError(
    first.path,
    first.memberName ? `a member name ${UNSTORABLE_REASON}` : UNSTORABLE_REASON,
  );
}

function readFeature(json: unknown, path: string): ManifestFeature {
  const item = readObject(json, path);
  return {
    name: readString(item.name, `${path}.name`),
    labelFr: readString(item.labelFr, `${path}.labelFr`),
    labelEn: readString(item.labelEn, `${path}.labelEn`),
    baseline: readNumber(item.baseline, `${path}.baseline`),
    positivePhraseFr: readString(item.positivePhraseFr, `${path}.positivePhraseFr`),
    negativePhraseFr: readString(item.negativePhraseFr, `${path}.negativePhraseFr`),
  };
}

function readReferenceDistributions(json: unknown, names: readonly string[]): ReferenceDistribution[] {
  const list = readArray(json, '$.referenceDistributions').map((item, i) => {
    const path = `$.referenceDistributions[${i}]`;
    const entry = readObject(item, path);
    const edges = readArray(entry.edges, `${path}.edges`).map((edge, k) =>
      readNumber(edge, `${path}.edges[${k}]`),
    );
    const shares = readArray(entry.shares, `${path}.shares`).map((share, k) =>
      readNumber(share, `${path}.shares[${k}]`),
    );
    if (edges.some((edge, k) => k > 0 && edge <= (edges[k - 1] ?? edge))) {
      throw new ManifestError(`${path}.edges`, 'must be strictly ascending');
    }
    if (shares.length !== edges.length + 1 || shares.some((share) => share < 0)) {
      throw new ManifestError(`${path}.shares`, 'must hold edges.length + 1 non-negative values');
    }
    return { feature: readString(entry.feature, `${path}.feature`), edges, shares };
  });
  if (list.length !== names.length || list.some((entry, i) => entry.feature !== names[i])) {
    throw new ManifestError('$.referenceDistributions', 'must hold one entry per feature, in feature order');
  }
  return list;
}

function readMetrics(json: unknown): EvaluationMetrics {
  const metrics = readObject(json, '$.metrics');
  const result: EvaluationMetrics = {
    holdoutAuc: readNumber(metrics.holdoutAuc, '$.metrics.holdoutAuc'),
    holdoutLogLoss: readNumber(metrics.holdoutLogLoss, '$.metrics.holdoutLogLoss'),
  };
  for (const key of ['holdoutBrier', 'holdoutRows', 'trainingRows', 'holdoutPositiveRate'] as const) {
    if (metrics[key] !== undefined) {
      result[key] = readNumber(metrics[key], `$.metrics.${key}`);
    }
  }
  return result;
}

function readProvenance(json: unknown): TrainingProvenance {
  const training = readObject(json, '$.training');
  const result: TrainingProvenance = {
    algorithm: readString(training.algorithm, '$.training.algorithm'),
    dataset: readString(training.dataset, '$.training.dataset'),
  };
  if (training.seed !== undefined) {
    result.seed = readNumber(training.seed, '$.training.seed');
  }
  if (training.settings !== undefined) {
    const settings = readObject(training.settings, '$.training.settings');
    result.settings = Object.fromEntries(
      Object.entries(settings).map(([key, value]) => [key, readNumber(value, `$.training.settings.${key}`)]),
    );
  }
  return result;
}

function isAttributionMethod(value: string): value is AttributionMethod {
  return (ATTRIBUTION_METHODS as readonly string[]).includes(value);
}

function readObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ManifestError(path, 'must be an object');
  }
  return value as Record<string, unknown>;
}

function readArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new ManifestError(path, 'must be an array');
  }
  return value;
}

function readString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ManifestError(path, 'must be a non-empty string');
  }
  return value;
}

function readNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ManifestError(path, 'must be a finite number');
  }
  return value;
}
