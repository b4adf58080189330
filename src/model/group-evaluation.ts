import { type CourseTable, listRows } from '../courses/course-table.ts';
import { type AdditiveModel, predictLogit, sigmoid } from './additive-model.ts';
import { computeFeatureMatrix, FEATURE_COUNT } from './features.ts';
import { AGE_BANDS, computeTrueLogit, SEXES, type SensitiveAttributes } from './generative-story.ts';
import {
  buildCatalogTable,
  buildTrueCourseTable,
  createTrueFeatureWriter,
  type SyntheticPair,
  type SyntheticPopulation,
} from './synthetic-population.ts';

/** Suggestions per person, as a counselor would see them. */
export const SUGGESTIONS_PER_PERSON = 10;

/**
 * A predicted chance at or above this makes a suggestion "strong". Set high on purpose: nearly every
 * person gets some suggestion above 50 %, so a lower bar would hide differences between groups.
 */
export const STRONG_SUGGESTION_THRESHOLD = 0.8;

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
  /** Mean predicted chance of each person's top 10 over the whole catalog. */
  top10MeanPredicted: number;
  /** Mean true (simulated) chance of the same top-10 suggestions: their real quality for the group. */
  top10MeanTrue: number;
  /** Share of the group's people whose top 10 holds at least one strong suggestion. */
  strongSuggestionRate: number;
  /** strongSuggestionRate divided by the highest one among the attribute's groups (1 = parity). */
  strongSuggestionRatio: number;
}

interface PersonTop10 {
  sensitive: SensitiveAttributes;
  meanPredicted: number;
  meanTrue: number;
  hasStrong: boolean;
}

/**
 * Ranks the whole catalog for every holdout person with the model (as the service would), keeps the
 * top 10, and reports outcome and suggestion figures per age band, sex and disability. The sensitive
 * attributes are read here only, after scoring.
 */
export function evaluateGroups(
  model: AdditiveModel,
  population: SyntheticPopulation,
  holdoutPairs: readonly SyntheticPair[],
  holdoutPredictions: ArrayLike<number>,
): GroupEvaluation[] {
  const people = [...new Set(holdoutPairs.map((pair) => pair.seekerIndex))];
  const catalog: Catalog = {
    table: buildCatalogTable(population.courses),
    trueTable: buildTrueCourseTable(population.courses),
  };
  const tops = new Map(
    people.map((seekerIndex) => [seekerIndex, rankTop10(model, population, catalog, seekerIndex)]),
  );
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
    const members = [...tops.values()].filter((top) => has(top.sensitive));
    const mean = (pick: (top: PersonTop10) => number) =>
      members.length === 0 ? 0 : members.reduce((sum, top) => sum + pick(top), 0) / members.length;
    return {
      attribute,
      group,
      people: members.length,
      pairs,
      observedRate: pairs === 0 ? 0 : outcomes / pairs,
      meanPredicted: pairs === 0 ? 0 : predicted / pairs,
      top10MeanPredicted: mean((top) => top.meanPredicted),
      top10MeanTrue: mean((top) => top.meanTrue),
      strongSuggestionRate: mean((top) => (top.hasStrong ? 1 : 0)),
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

/** The population's courses laid out for scoring, as the catalog shows them and at their true locations. */
interface Catalog {
  table: CourseTable;
  trueTable: CourseTable;
}

function rankTop10(
  model: AdditiveModel,
  population: SyntheticPopulation,
  catalog: Catalog,
  seekerIndex: number,
): PersonTop10 {
  const seeker = population.seekers[seekerIndex];
  if (seeker === undefined) {
    throw new RangeError(`no person ${seekerIndex}`);
  }
  const courses = population.courses;
  const matrix = computeFeatureMatrix(
    seeker.profile,
    population.referenceDate,
    catalog.table,
    listRows(catalog.table),
  );
  const scores = courses.map((_, c) => sigmoid(predictLogit(model, matrix, c * FEATURE_COUNT)));
  const top = scores
    .map((score, c) => ({ score, c }))
    .sort((a, b) => b.score - a.score || a.c - b.c)
    .slice(0, SUGGESTIONS_PER_PERSON);
  const trueRow = new Float32Array(FEATURE_COUNT);
  const writeTrueRow = createTrueFeatureWriter(seeker, population.referenceDate, catalog.trueTable);
  let trueSum = 0;
  for (const { c } of top) {
    const synthetic = courses[c];
    if (synthetic !== undefined) {
      writeTrueRow(c, trueRow, 0);
      trueSum += sigmoid(computeTrueLogit(trueRow, synthetic.quality, seeker.sensitive));
    }
  }
  return {
    sensitive: seeker.sensitive,
    meanPredicted: top.reduce((sum, item) => sum + item.score, 0) / Math.max(top.length, 1),
    meanTrue: trueSum / Math.max(top.length, 1),
    hasStrong: top.some((item) => item.score >= STRONG_SUGGESTION_THRESHOLD),
  };
}
