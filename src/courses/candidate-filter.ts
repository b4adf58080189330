import type { JobSeekerProfile } from '../job-seekers/job-seeker.ts';
import type { CandidateFilter } from './course.ts';

/**
 * The hard filters for one person: active, next session ahead, reachable (within the mobility
 * radius, or remote when accepted), prerequisites met. Used by the suggestions, the benchmark and
 * the model card's evaluation, so that the card ranks the courses the service would.
 */
export function candidateFilterFor(
  person: Pick<JobSeekerProfile, 'location' | 'mobilityRadiusKm' | 'remoteOk' | 'educationLevel'>,
  referenceDate: Date,
): CandidateFilter {
  return {
    referenceDate,
    near: person.location === null ? null : { point: person.location, radiusKm: person.mobilityRadiusKm },
    includeRemote: person.remoteOk,
    maxPrerequisiteLevel: person.educationLevel,
  };
}
