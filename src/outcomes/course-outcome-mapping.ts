import type { components } from '../http/generated/api.ts';
import type { CourseOutcome } from './course-outcome.ts';

type CourseOutcomeBody = components['schemas']['CourseOutcome'];
type AccessRecordOutcomeBody = components['schemas']['AccessRecordOutcome'];

/**
 * An outcome as the case-management system and the person read it: which proposal it is about,
 * not what the model predicted for it.
 */
export function toCourseOutcomeBody(outcome: CourseOutcome): CourseOutcomeBody {
  const { setId, itemId, source } = outcome.proposal;
  return {
    courseId: outcome.courseId,
    entered: outcome.entered,
    employedWithinSixMonths: outcome.employedWithinSixMonths,
    observedAt: outcome.observedAt,
    proposal: { setId, itemId, source },
    version: outcome.version,
    createdAt: outcome.createdAt,
    updatedAt: outcome.updatedAt,
  };
}

/** An outcome in the access record, with the model and the score of the proposal it is linked to. */
export function toAccessRecordOutcomeBody(outcome: CourseOutcome): AccessRecordOutcomeBody {
  return {
    ...toCourseOutcomeBody(outcome),
    model: outcome.proposal.model,
    predictedScore: outcome.proposal.predictedScore,
  };
}
