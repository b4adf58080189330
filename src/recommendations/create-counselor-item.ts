import type { Course } from '../courses/course.ts';
import { createTimeOrderedId } from '../shared/time-ordered-id.ts';
import {
  type EarlierModelSuggestion,
  type RecommendationItem,
  snapshotCourse,
  UNDECIDED,
} from './recommendation.ts';

/**
 * A course the counselor chose, as an item still to decide: by hand with their reason (an addition),
 * or in their blind-first shortlist. The model's earlier suggestion of the same course is told with
 * it: a course seen among the model's suggestions and then chosen is not one the AI had no part in.
 */
export function createCounselorItem(
  course: Course,
  reason: string,
  earlier: EarlierModelSuggestion | undefined,
  addedAtSeq: number,
): RecommendationItem {
  return {
    id: createTimeOrderedId(),
    course: snapshotCourse(course),
    rank: null,
    score: null,
    features: null,
    attributions: [],
    counselorExplanation: `Ajoutée par le conseiller : ${reason}`,
    seekerExplanation: {
      summary: 'Votre conseiller vous propose cette formation après avoir étudié votre situation.',
      reasons: [],
    },
    source: 'counselor',
    addedReason: reason,
    addedAtSeq,
    earlierModelSuggestion: earlier ?? null,
    ...UNDECIDED,
  };
}
