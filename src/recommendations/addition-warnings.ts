import type { Course } from '../courses/course.ts';
import { isWithinRadius, planRadiusFilter } from '../courses/radius-filter.ts';
import type { JobSeekerProfile } from '../job-seekers/job-seeker.ts';
import { distanceKm } from '../shared/geo.ts';
import { parseIsoDay, toDayNumber } from '../shared/iso-day.ts';

export type AdditionWarningCode = 'session_passed' | 'prerequisite_above_level' | 'beyond_mobility_radius';

/** Why a course added by hand may not suit the person: added all the same, knowingly. */
export interface AdditionWarning {
  code: AdditionWarningCode;
  /** The request field the warning is about. */
  field: 'courseId';
  message: string;
}

/**
 * What the model's filters would have said of a course the counselor adds (see candidateFilterFor):
 * its next session is not ahead, it asks for a level above the person's, or it is held beyond their
 * mobility radius and cannot be followed remotely by them. None blocks the addition.
 */
export function warnAboutAddition(
  course: Course,
  seeker: Pick<JobSeekerProfile, 'educationLevel' | 'location' | 'mobilityRadiusKm' | 'remoteOk'>,
  now: Date,
): AdditionWarning[] {
  const warnings: AdditionWarning[] = [];
  const warn = (code: AdditionWarningCode, message: string) =>
    warnings.push({ code, field: 'courseId', message });
  if (course.nextSessionStart !== null && parseIsoDay(course.nextSessionStart) <= toDayNumber(now)) {
    warn(
      'session_passed',
      `its next session (${course.nextSessionStart}) is not after today: too late for the person to join it`,
    );
  }
  if (course.prerequisiteLevel > seeker.educationLevel) {
    warn(
      'prerequisite_above_level',
      `it asks for level ${course.prerequisiteLevel} to enter, above the person's level ${seeker.educationLevel}`,
    );
  }
  const followedRemotely = seeker.remoteOk && course.modality !== 'in_person';
  if (
    seeker.location !== null &&
    course.location !== null &&
    !followedRemotely &&
    !isWithinRadius(planRadiusFilter(seeker.location, seeker.mobilityRadiusKm), course.location)
  ) {
    const km = Math.round(distanceKm(seeker.location, course.location));
    warn(
      'beyond_mobility_radius',
      `it is held about ${km} km from the person, beyond their mobility radius of ${seeker.mobilityRadiusKm} km, and they cannot follow it remotely`,
    );
  }
  return warnings;
}
