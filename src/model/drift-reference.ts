import { DEFAULT_TOP_K } from '../recommendations/suggestion-count.ts';
import type { AdditiveModel } from './additive-model.ts';
import { computeBinShares } from './binning.ts';
import { FEATURE_COUNT } from './features.ts';
import { type ServingCatalog, suggestAsServed } from './group-evaluation.ts';
import type { SyntheticPopulation } from './synthetic-population.ts';

/** A drift reference and what it rests on. */
export interface ServedDriftReference {
  /** Per feature, in column order: the model's bin edges and the share of the vectors in each bin. */
  distributions: Array<{ feature: string; edges: number[]; shares: number[] }>;
  people: number;
  /** Feature vectors counted (one per suggested course). */
  vectors: number;
  /** Suggestions kept per person. */
  topK: number;
}

/**
 * The drift reference of a model as the service logs its inputs: the feature vectors of the courses
 * it would suggest to `people` (the hard filters, then the `topK` best), binned on the model's own
 * edges. The drift statistics compare the vectors of real sets with it, so it has to be made of the
 * same kind of vectors: every raw training candidate (courses far away, already started, above the
 * person's level, poorly scored) would make the model's own people look like drift.
 */
export function buildDriftReference(
  model: AdditiveModel,
  population: SyntheticPopulation,
  catalog: ServingCatalog,
  people: readonly number[],
): ServedDriftReference {
  const served = people.map((seekerIndex) =>
    suggestAsServed(model, population, catalog, seekerIndex, DEFAULT_TOP_K),
  );
  const vectors = served.reduce((sum, suggestions) => sum + suggestions.courseIndexes.length, 0);
  const distributions = model.terms.map((term, f) => {
    const column = new Float32Array(vectors);
    let k = 0;
    for (const { rows, courseIndexes } of served) {
      for (let i = 0; i < courseIndexes.length; i += 1) {
        column[k] = rows[i * FEATURE_COUNT + f] ?? Number.NaN;
        k += 1;
      }
    }
    return {
      feature: term.feature,
      edges: Array.from(term.edges),
      shares: computeBinShares(term.edges, column),
    };
  });
  return { distributions, people: people.length, vectors, topK: DEFAULT_TOP_K };
}
