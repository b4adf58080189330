/** Why a set of suggestions holds none: the log's code, and the counselor's sentence. */
import type { Course } from '../courses/course.ts';
import type { JobSeeker } from '../job-seekers/job-seeker.ts';

/**
 * Why a set holds no suggestion, as the log records it: no course passed the person's filters, or
 * none of those that did could be scored.
 */
export type NoCandidateReason = 'no_course_passed_filters' | 'no_candidate_scored';

export function findWhyNoCandidate(candidates: readonly Course[]): NoCandidateReason {
  return candidates.length > 0 ? 'no_candidate_scored' : 'no_course_passed_filters';
}

/**
 * The counselor's sentence for a set with no suggestion: the person's own filters that left no
 * course, and what the counselor can do (complete the profile, or search the catalog by hand).
 */
export function explainNoCandidate(seeker: JobSeeker, why: NoCandidateReason): string {
  if (why === 'no_candidate_scored') return 'no candidate course could be scored';
  const byHand = 'search the catalog by hand (GET /v1/courses)';
  const locate = `complete their location in the case-management system, or ${byHand}`;
  if (seeker.location === null && !seeker.remoteOk) {
    return (
      'the profile has no home coordinates and the person does not take remote courses, so no course can be ' +
      `found within their reach: ${locate}`
    );
  }
  const open = `is active, starts after today and is open at level ${seeker.educationLevel}`;
  if (seeker.location === null) {
    return `no remote course ${open}, and the profile has no home coordinates, so only remote courses can be suggested: ${locate}`;
  }
  const where = `no course within ${seeker.mobilityRadiusKm} km${seeker.remoteOk ? ' nor any remote course' : ''}`;
  return `${where} ${open}: ${byHand}, beyond the person's radius if they agree`;
}
