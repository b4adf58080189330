import { candidateFilterFor } from '../courses/candidate-filter.ts';
import {
  type CandidateCatalog,
  layOutCandidateCatalog,
  selectCandidates,
} from '../courses/catalog-snapshot.ts';
import type { CourseTable } from '../courses/course-table.ts';
import { DEFAULT_TOP_K } from '../recommendations/suggestion-count.ts';
import { selectTopIndexes } from '../scoring/select-top-scores.ts';
import { type AdditiveModel, predictLogit, sigmoid } from './additive-model.ts';
import { computeFeatureMatrix, FEATURE_COUNT } from './features.ts';
import { AGE_BANDS, computeTrueLogit, SEXES, type SensitiveAttributes } from './generative-story.ts';
import {
  buildTrueCourseTable,
  createTrueFeatureWriter,
  type SyntheticPair,
  type SyntheticPopulation,
} from './synthetic-population.ts';

/**
 * A predicted chance at or above this makes a suggestion "strong". Set high on purpose: nearly every
 * person gets some suggestion above 50 %, so a lower bar would hide differences between groups.
 */
export const STRONG_SUGGESTION_THRESHOLD = 0.8;

/** A group whose strong-suggestion ratio falls below this is flagged on the card (the usual four-fifths rule). */
export const PARITY_WARNING_RATIO = 0.8;

/** Outcome and suggestion figures for one synthetic group of the holdout people. */
export interface GroupEvaluation {
  attribute: 'ageBand' | 'sex' | 'disability';
  group: string;
  people: number;
  /** Holdout candidate pairs of the group's people. */
  pairs: number;
  /** Share of the group's holdout pairs with a good outcome. */
  observedRate: number;
  /** Mean predicted chance over the same pairs (calibration within the group). */
  meanPredicted: number;
  /** People of the group for whom the service's hard filters leave no course: they get no suggestion. */
  peopleWithoutCandidate: number;
  /** peopleWithoutCandidate over people. */
  noCandidateRate: number;
  /** Mean predicted chance of each person's suggestions (those with at least one). */
  top10MeanPredicted: number;
  /** Mean true (simulated) chance of the same suggestions: their real quality for the group. */
  top10MeanTrue: number;
  /** Share of the group's people (those without a candidate included) given at least one strong suggestion. */
  strongSuggestionRate: number;
  /** strongSuggestionRate divided by the highest one among the attribute's groups (1 = parity). */
  strongSuggestionRatio: number;
}

/** The synthetic catalog as the service's candidate search and the simulation's outcomes read it. */
export interface ServingCatalog {
  candidates: CandidateCatalog;
  /** The position in `population.courses` of each course id. */
  indexOf: ReadonlyMap<string, number>;
  /** The courses at their true locations, for the true chances. */
  trueTable: CourseTable;
}

/** What the service would suggest to one synthetic person, best first. */
export interface ServedSuggestions {
  /** Courses left by the hard filters. */
  candidates: number;
  /** Positions in `population.courses` of the kept courses. */
  courseIndexes: number[];
  /** Predicted chance of each kept course. */
  scores: number[];
  /** Their feature rows (kept × F), as the service logs them with the set. */
  rows: Float32Array;
}

/** Lays the population's catalog out as the service's catalog snapshot does. */
export function buildServingCatalog(population: SyntheticPopulation): ServingCatalog {
  const courses = population.courses.map((synthetic) => structuredClone(synthetic.course));
  return {
    candidates: layOutCandidateCatalog(courses),
    indexOf: new Map(population.courses.map((synthetic, index) => [synthetic.course.id, index])),
    trueTable: buildTrueCourseTable(population.courses),
  };
}

/**
 * Suggests courses to one synthetic person as the service does: the service's hard filters
 * (`candidateFilterFor`, the catalog snapshot's `selectCandidates`) on the reference date, the
 * model's score of every course left, and the `limit` best as the service ranks them.
 */
export function suggestAsServed(
  model: AdditiveModel,
  population: SyntheticPopulation,
  catalog: ServingCatalog,
  seekerIndex: number,
  limit: number = DEFAULT_TOP_K,
): ServedSuggestions {
  const seeker = population.seekers[seekerIndex];
  if (seeker === undefined) {
    throw new RangeError(`no person ${seekerIndex}`);
  }
  const { referenceDate } = population;
  const batch = selectCandidates(catalog.candidates, candidateFilterFor(seeker.profile, referenceDate));
  const matrix = computeFeatureMatrix(seeker.profile, referenceDate, batch.table, batch.rows);
  const scores = Array.from({ length: batch.courses.length }, (_, i) =>
    sigmoid(predictLogit(model, matrix, i * FEATURE_COUNT)),
  );
  const top = selectTopIndexes(
    scores.length,
    (i) => scores[i] ?? Number.NaN,
    (i) => batch.courses[i]?.id ?? '',
    limit,
  );
  const rows = new Float32Array(top.length * FEATURE_COUNT);
  top.forEach((i, k) => {
    rows.set(matrix.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT), k * FEATURE_COUNT);
  });
  return {
    candidates: batch.courses.length,
    courseIndexes: top.map((i) => {
      const index = catalog.indexOf.get(batch.courses[i]?.id ?? '');
      if (index === undefined) throw new RangeError(`candidate ${i} is no course of the population`);
      return index;
    }),
    scores: top.map((i) => scores[i] ?? Number.NaN),
    rows,
  };
}

interface PersonSuggestions {
  sensitive: SensitiveAttributes;
  /** Null when the filters leave the person no course. */
  meanPredicted: number | null;
  meanTrue: number | null;
  hasStrong: boolean;
}

/**
 * Suggests courses to every holdout person as the service would (its hard filters, then the model's
 * top {@link DEFAULT_TOP_K}) and reports outcome and suggestion figures per age band, sex and
 * disability, with the people left without any candidate. The sensitive attributes are read here
 * only, after scoring.
 */
export function evaluateGroups(
  model: AdditiveModel,
  population: SyntheticPopulation,
  holdoutPairs: readonly SyntheticPair[],
  holdoutPredictions: ArrayLike<number>,
  catalog: ServingCatalog = buildServingCatalog(population),
): GroupEvaluation[] {
  const people = [...new Set(holdoutPairs.map((pair) => pair.seekerIndex))];
  const suggested = people.map((seekerIndex) => summarise(model, population, catalog, seekerIndex));
  const groups: Array<{
    attribute: GroupEvaluation['attribute'];
    group: string;
    has: (s: SensitiveAttributes) => boolean;
  }> = [
    ...AGE_BANDS.map((band) => ({
      attribute: 'ageBand' as const,
      group: band,
      has: (s: SensitiveAttributes) => s.ageBand === band,
    })),
    ...SEXES.map((sex) => ({
      attribute: 'sex' as const,
      group: sex,
      has: (s: SensitiveAttributes) => s.sex === sex,
    })),
    ...[true, false].map((flag) => ({
      attribute: 'disability' as const,
      group: flag ? 'disability' : 'no disability',
      has: (s: SensitiveAttributes) => s.disability === flag,
    })),
  ];
  const rows = groups.map(({ attribute, group, has }) => {
    let pairs = 0;
    let outcomes = 0;
    let predicted = 0;
    holdoutPairs.forEach((pair, i) => {
      const seeker = population.seekers[pair.seekerIndex];
      if (seeker !== undefined && has(seeker.sensitive)) {
        pairs += 1;
        outcomes += pair.outcome;
        predicted += holdoutPredictions[i] ?? 0;
      }
    });
    const members = suggested.filter((person) => has(person.sensitive));
    const served = members.filter((person) => person.meanPredicted !== null);
    const mean = (list: readonly PersonSuggestions[], pick: (person: PersonSuggestions) => number) =>
      list.length === 0 ? 0 : list.reduce((sum, person) => sum + pick(person), 0) / list.length;
    const without = members.length - served.length;
    return {
      attribute,
      group,
      people: members.length,
      pairs,
      observedRate: pairs === 0 ? 0 : outcomes / pairs,
      meanPredicted: pairs === 0 ? 0 : predicted / pairs,
      peopleWithoutCandidate: without,
      noCandidateRate: members.length === 0 ? 0 : without / members.length,
      top10MeanPredicted: mean(served, (person) => person.meanPredicted ?? 0),
      top10MeanTrue: mean(served, (person) => person.meanTrue ?? 0),
      strongSuggestionRate: mean(members, (person) => (person.hasStrong ? 1 : 0)),
      strongSuggestionRatio: 1,
    };
  });
  for (const row of rows) {
    const best = Math.max(
      ...rows.filter((other) => other.attribute === row.attribute).map((other) => other.strongSuggestionRate),
    );
    row.strongSuggestionRatio = best === 0 ? 1 : row.strongSuggestionRate / best;
  }
  return rows;
}

function summarise(
  model: AdditiveModel,
  population: SyntheticPopulation,
  catalog: ServingCatalog,
  seekerIndex: number,
): PersonSuggestions {
  const seeker = population.seekers[seekerIndex];
  if (seeker === undefined) {
    throw new RangeError(`no person ${seekerIndex}`);
  }
  const served = suggestAsServed(model, population, catalog, seekerIndex);
  const count = served.courseIndexes.length;
  if (count === 0) {
    return { sensitive: seeker.sensitive, meanPredicted: null, meanTrue: null, hasStrong: false };
  }
  const trueRow = new Float32Array(FEATURE_COUNT);
  const writeTrueRow = createTrueFeatureWriter(seeker, population.referenceDate, catalog.trueTable);
  let trueSum = 0;
  for (const c of served.courseIndexes) {
    const synthetic = population.courses[c];
    if (synthetic !== undefined) {
      writeTrueRow(c, trueRow, 0);
      trueSum += sigmoid(computeTrueLogit(trueRow, synthetic.quality, seeker.sensitive));
    }
  }
  return {
    sensitive: seeker.sensitive,
    meanPredicted: served.scores.reduce((sum, score) => sum + score, 0) / count,
    meanTrue: trueSum / count,
    hasStrong: served.scores.some((score) => score >= STRONG_SUGGESTION_THRESHOLD),
  };
}
