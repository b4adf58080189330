import { type AdditiveModel, type AdditiveTerm, predictProbabilities } from './additive-model.ts';
import { buildDriftReference, type ServedDriftReference } from './drift-reference.ts';
import { DEFAULT_EBM_OPTIONS, type EbmOptions, trainEbm } from './ebm.ts';
import { FEATURE_TEXTS } from './feature-texts.ts';
import { FEATURES } from './features.ts';
import { buildServingCatalog, evaluateGroups, type GroupEvaluation } from './group-evaluation.ts';
import type { EvaluationMetrics, ModelManifest } from './manifest.ts';
import {
  type CalibrationBin,
  computeAuc,
  computeBrierScore,
  computeCalibration,
  computeLogLoss,
} from './metrics.ts';
import { renderModelCard, type TrainingSummary } from './model-card.ts';
import { computeSha256, type ModelFolderContents } from './model-folder.ts';
import { exportToOnnx, ONNX_CONTRIBUTIONS_OUTPUT, ONNX_INPUT, ONNX_SCORE_OUTPUT } from './onnx-export.ts';
import { renderShapeSvg } from './shape-plot.ts';
import {
  DEFAULT_POPULATION_OPTIONS,
  generatePopulation,
  type PopulationOptions,
} from './synthetic-population.ts';
import { splitPopulation } from './training-data.ts';

export interface TrainModelOptions {
  name: string;
  version: string;
  population: PopulationOptions;
  ebm: EbmOptions;
}

export const DEFAULT_TRAIN_OPTIONS: TrainModelOptions = {
  name: 'aiguillage-ebm',
  version: '1.1.0',
  population: DEFAULT_POPULATION_OPTIONS,
  ebm: DEFAULT_EBM_OPTIONS,
};

/** A trained model with everything its folder holds and what the card says about it. */
export interface TrainedModel extends ModelFolderContents {
  model: AdditiveModel;
  sha256: string;
  summary: TrainingSummary;
  calibration: CalibrationBin[];
  groups: GroupEvaluation[];
}

const DESCRIPTION =
  'Estimates the chance that a job seeker is back in employment within 6 months of a vocational training ' +
  'course, to help a counselor choose courses to discuss. Trained on synthetic data. Never an automatic decision.';

/**
 * Runs the whole pipeline: synthetic population → features (the serving module) → EBM → holdout and
 * group evaluation → ONNX, manifest, card and plots. Pure computation: same options, same bytes.
 */
export function trainModel(options: TrainModelOptions = DEFAULT_TRAIN_OPTIONS): TrainedModel {
  const population = generatePopulation(options.population);
  const split = splitPopulation(population);
  const result = trainEbm(FEATURES, split.train, split.validation, options.ebm);
  const model = result.model;

  const holdoutPredictions = predictProbabilities(model, split.holdout.rows, split.holdout.rowCount);
  const labels = split.holdout.labels;
  const metrics: EvaluationMetrics = {
    holdoutAuc: round(computeAuc(labels, holdoutPredictions)),
    holdoutLogLoss: round(computeLogLoss(labels, holdoutPredictions)),
    holdoutBrier: round(computeBrierScore(labels, holdoutPredictions)),
    holdoutRows: split.holdout.rowCount,
    trainingRows: split.train.rowCount,
    holdoutPositiveRate: round(labels.reduce((sum, label) => sum + label, 0) / Math.max(labels.length, 1)),
  };
  const summary: TrainingSummary = {
    rounds: result.rounds,
    bestRound: result.bestRound,
    validationLogLoss: result.validationLogLoss,
    trainingRows: split.train.rowCount,
    validationRows: split.validation.rowCount,
    holdoutRows: split.holdout.rowCount,
    trainingPeople: split.people.train.length,
    validationPeople: split.people.validation.length,
    holdoutPeople: split.people.holdout.length,
    oracleAuc: computeAuc(
      labels,
      split.holdoutPairs.map((pair) => pair.probability),
    ),
  };

  const catalog = buildServingCatalog(population);
  const driftReference = buildDriftReference(model, population, catalog, split.people.train);
  const manifest = buildManifest(model, options, metrics, summary, driftReference);
  const onnx = exportToOnnx(model, {
    name: options.name,
    version: options.version,
    description: DESCRIPTION,
  });
  const sha256 = computeSha256(onnx);
  const calibration = computeCalibration(labels, holdoutPredictions);
  const groups = evaluateGroups(model, population, split.holdoutPairs, holdoutPredictions, catalog);
  const attachments = FEATURES.map((feature, f) => ({
    fileName: nameShapePlot(feature.name),
    content: renderShapeSvg(pickTerm(model, f), {
      kind: feature.kind,
      title: `${feature.name} — ${FEATURE_TEXTS[feature.name].labelEn}`,
    }),
  }));
  const card = renderModelCard({
    manifest,
    sha256,
    model,
    summary,
    calibration,
    groups,
    driftReference,
    options,
    shapePlotName: nameShapePlot,
  });
  return { manifest, onnx, card, attachments, model, sha256, summary, calibration, groups };
}

/** Returns the file name of a feature's shape plot, beside the card. */
export function nameShapePlot(feature: string): string {
  return `shape-${feature}.svg`;
}

function buildManifest(
  model: AdditiveModel,
  options: TrainModelOptions,
  metrics: EvaluationMetrics,
  summary: TrainingSummary,
  driftReference: ServedDriftReference,
): ModelManifest {
  return {
    manifestVersion: 1,
    name: options.name,
    version: options.version,
    description: DESCRIPTION,
    input: ONNX_INPUT,
    outputs: { score: ONNX_SCORE_OUTPUT, contributions: ONNX_CONTRIBUTIONS_OUTPUT },
    features: FEATURES.map((feature, f) => ({
      name: feature.name,
      ...FEATURE_TEXTS[feature.name],
      baseline: pickTerm(model, f).baseline,
    })),
    attributionMethod: 'exact-additive',
    intercept: model.intercept,
    referenceDistributions: driftReference.distributions.map((distribution) => ({
      ...distribution,
      shares: distribution.shares.map(round),
    })),
    referenceDescription: describeDriftReference(driftReference),
    metrics,
    training: {
      algorithm: 'explainable boosting machine (cyclic boosting of per-feature bins, no interactions)',
      dataset: 'synthetic population (generative story in MODEL_CARD.md)',
      seed: options.population.seed,
      settings: {
        seekers: options.population.seekerCount,
        courses: options.population.courseCount,
        candidatesPerSeeker: options.population.candidatesPerSeeker,
        ...options.ebm,
        rounds: summary.rounds,
        bestRound: summary.bestRound,
        trainingRows: summary.trainingRows,
        validationRows: summary.validationRows,
        holdoutRows: summary.holdoutRows,
        driftReferencePeople: driftReference.people,
        driftReferenceVectors: driftReference.vectors,
        driftReferenceTopK: driftReference.topK,
      },
    },
  };
}

/** What the drift reference is, for the manifest and the card. */
export function describeDriftReference(reference: ServedDriftReference): string {
  return (
    `The feature vectors the service would log for the training people: for each of the ${reference.people} ` +
    'people, the courses left by the hard filters (next session after the reference date, entry level met, ' +
    `within the mobility radius or followable remotely when accepted), scored, and the ${reference.topK} best ` +
    `kept (${reference.vectors} vectors), binned on the model's own edges. Drift compares the vectors logged ` +
    'with real suggestions against these, like with like: not against every training candidate.'
  );
}

function pickTerm(model: AdditiveModel, feature: number): AdditiveTerm {
  const term = model.terms[feature];
  if (term === undefined) {
    throw new RangeError(`the model has no term for feature ${feature}`);
  }
  return term;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
