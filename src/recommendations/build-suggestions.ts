import type { Course } from '../courses/course.ts';
import type { CourseBatch } from '../courses/course-table.ts';
import { explainSuggestion, rankAttributions } from '../model/explanations.ts';
import { type FeatureProfile, findExplanationFacts } from '../model/features.ts';
import type { Scorer } from '../scoring/scorer.ts';
import { selectTopScores } from '../scoring/select-top-scores.ts';
import { createTimeOrderedId } from '../shared/time-ordered-id.ts';
import {
  type AttributionMethodInfo,
  type RecommendationItem,
  snapshotCourse,
  UNDECIDED,
} from './recommendation.ts';

export interface Suggestions {
  items: RecommendationItem[];
  attributionMethod: AttributionMethodInfo;
}

/**
 * Scores every candidate in one batch, keeps the `limit` best and writes their attributions (with
 * their values in words) and both explanations, once: they are stored, never recomputed.
 */
export async function buildSuggestions(
  scorer: Scorer,
  /** With its last sync: its months unemployed are aged from then to `referenceDate`. */
  profile: FeatureProfile & { updatedAt: string },
  candidates: CourseBatch<Course>,
  referenceDate: Date,
  limit: number,
): Promise<Suggestions> {
  const result = await scorer.scoreCourses(profile, candidates, referenceDate, { keepBest: limit });
  const top = selectTopScores(result.scores, limit);
  const attributed = await scorer.attribute(profile, top, referenceDate);
  const items = attributed.rows.map((row, index): RecommendationItem => {
    // By position: reading the id of every candidate again, after the run has pushed them out of
    // the processor's caches, cost about 2 ms.
    const course = candidates.courses[row.index];
    if (course?.id !== row.courseId) throw new Error(`scored an unknown course ${row.courseId}`);
    const texts = explainSuggestion(
      scorer.manifest,
      row.score,
      rankAttributions(scorer.manifest, row.features, row.contributions),
      findExplanationFacts(profile, course),
    );
    return {
      id: createTimeOrderedId(),
      course: snapshotCourse(course),
      rank: index + 1,
      score: row.score,
      features: row.features,
      attributions: texts.attributions,
      counselorExplanation: texts.counselorText,
      seekerExplanation: { summary: texts.jobSeekerText, reasons: texts.jobSeekerReasons },
      source: 'model',
      addedReason: null,
      addedAtSeq: null,
      earlierModelSuggestion: null,
      ...UNDECIDED,
    };
  });
  return { items, attributionMethod: attributed.method };
}
