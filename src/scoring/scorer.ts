import type { CourseBatch } from '../courses/course-table.ts';
import type { FeatureProfile } from '../model/features.ts';
import type { AttributionMethod, ModelManifest } from '../model/manifest.ts';

/** Which model produced a score: stored with every suggestion (DESIGN.md, principle 2). */
export interface ModelIdentity {
  name: string;
  version: string;
  /** SHA-256 of model.onnx, lowercase hex. */
  sha256: string;
}

/** The model's view of one candidate course for one person. */
export interface CourseScore {
  courseId: string;
  /** The course's position in the batch given to {@link Scorer.scoreCourses}. */
  index: number;
  /** Probability of being back in employment within 6 months of the course, 0..1. */
  score: number;
  /** The feature row the model saw, in manifest order (kept for the decision log). */
  features: number[];
  /**
   * Each feature's additive contribution in logit space relative to its baseline, in manifest order;
   * null when the model has no `contributions` output and attributions must be estimated elsewhere.
   */
  contributions: number[] | null;
}

/** How much of a batch {@link Scorer.scoreCourses} returns. */
export interface ScoringOptions {
  /**
   * Returns only the rows of the `keepBest` best courses whose score is a probability, as
   * `selectTopScores` ranks them (still in the order the courses were given), instead of a row per
   * course: a request keeps 10 courses of up to 10,000, and copying out the features and
   * contributions of every one costs as much as the run. An implementation may return more rows;
   * callers still pick the best.
   */
  keepBest?: number;
}

/** The scores of a batch of courses, in the order the courses were given, with the model that made them. */
export interface ScoringResult {
  model: ModelIdentity;
  attributionMethod: AttributionMethod;
  scores: CourseScore[];
}

/** A scored course with its attributions, whatever the method. */
export interface AttributedScore {
  courseId: string;
  /** The course's position in the batch given to {@link Scorer.scoreCourses}. */
  index: number;
  score: number;
  features: number[];
  /** Each feature's contribution in logit space relative to its baseline, in manifest order. */
  contributions: number[];
}

/** How attributions were obtained, stored with them. */
export interface AttributionInfo {
  method: AttributionMethod;
  /** Sampled feature orderings per course (sampled-shapley only). */
  samples?: number;
  /** Largest standard error of one attribution, in logit (sampled-shapley only). */
  errorEstimate?: number;
}

export interface AttributionResult {
  rows: AttributedScore[];
  method: AttributionInfo;
}

/**
 * The port the recommendation service scores through. Implementations hide the runtime
 * (onnxruntime-node in production, a fake in tests).
 */
export interface Scorer {
  readonly model: ModelIdentity;
  readonly manifest: ModelManifest;
  /** Scores one person against the N courses of a batch in one run, as of `referenceDate`. */
  scoreCourses(
    profile: FeatureProfile,
    batch: CourseBatch,
    referenceDate: Date,
    options?: ScoringOptions,
  ): Promise<ScoringResult>;
  /**
   * Returns attributions for already scored courses (typically the few kept for a suggestion set): the
   * model's exact contributions when it has them, else sampled Shapley values against the manifest's
   * baselines, all perturbed rows in one batched run. Profile and date are accepted for implementations
   * that need to recompute features; the ONNX scorer uses the rows in `scored`.
   */
  attribute(
    profile: FeatureProfile,
    scored: readonly CourseScore[],
    referenceDate: Date,
  ): Promise<AttributionResult>;
  /** Releases the runtime's resources. */
  close(): Promise<void>;
}
