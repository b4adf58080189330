import { hasReadableSession } from '../courses/catalog-snapshot.ts';
import { type Course, isFollowableRemotely, isRemoteOnly } from '../courses/course.ts';
import { isWithinRadius, planRadiusFilter } from '../courses/radius-filter.ts';
import type { JobSeekerProfile } from '../job-seekers/job-seeker.ts';
import { parisDayNumberOf } from '../shared/french-day.ts';
import { distanceKm } from '../shared/geo.ts';
import { parseIsoDay } from '../shared/iso-day.ts';

export type AdditionWarningCode =
  | 'no_session_planned'
  | 'session_passed'
  | 'prerequisite_above_level'
  | 'beyond_mobility_radius'
  | 'remote_not_accepted'
  | 'place_unknown';

/** Why a course added by hand may not suit the person: added all the same, knowingly. */
export interface AdditionWarning {
  code: AdditionWarningCode;
  /** The request field the warning is about. */
  field: 'courseId';
  message: string;
}

/**
 * What the suggestions' hard filters would have said of a course of the counselor's blind-first
 * shortlist that the set takes as an item (`itemId`): the addition's warnings, for one of the picks.
 */
export interface ShortlistWarning extends Omit<AdditionWarning, 'field'> {
  field: 'courseIds';
  itemId: string;
}

/**
 * The codes that owe nothing to the person: the course's sessions, read against the day. The others
 * are worked out from the person's profile (their level, their home, whether they accept remote
 * training), and with the course's public data each tells a value of theirs.
 */
const COURSE_WARNING_CODES: ReadonlySet<AdditionWarningCode> = new Set([
  'no_session_planned',
  'session_passed',
]);

/**
 * The codes of an addition's warnings as the decision log keeps them: the course's own in clear, for
 * the auditors; those worked out from the person's profile sealed with their key, since they would
 * tell a value of theirs beside their pseudonym for good, past an erasure.
 */
export function splitAdditionWarningCodes(warnings: readonly AdditionWarning[]): {
  aboutCourse: AdditionWarningCode[];
  aboutPerson: AdditionWarningCode[];
} {
  const codes = warnings.map((warning) => warning.code);
  return {
    aboutCourse: codes.filter((code) => COURSE_WARNING_CODES.has(code)),
    aboutPerson: codes.filter((code) => !COURSE_WARNING_CODES.has(code)),
  };
}

type Person = Pick<JobSeekerProfile, 'educationLevel' | 'location' | 'mobilityRadiusKm' | 'remoteOk'>;

/**
 * What the hard filters of the suggestions (`candidateFilterFor` in `candidate-filter.ts`, the catalog snapshot's
 * `selectCandidates`) would have said of a course the counselor adds: no session planned, or its
 * next one not ahead; a level above the person's; out of their reach (neither followed from home by
 * a person who accepts it, nor held within their radius of a known home). None blocks the addition.
 */
export function warnAboutAddition(course: Course, seeker: Person, now: Date): AdditionWarning[] {
  const warnings: AdditionWarning[] = [];
  const warn = (code: AdditionWarningCode, message: string) =>
    warnings.push({ code, field: 'courseId', message });
  // A date broken by hand counts as none, as the suggestions' filter leaves such a course out.
  if (course.nextSessionStart === null || !hasReadableSession(course)) {
    warn('no_session_planned', 'no session of it is planned: the person cannot join it yet');
  } else if (parseIsoDay(course.nextSessionStart) <= parisDayNumberOf(now)) {
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
  const reach = findWhyOutOfReach(course, seeker);
  if (reach !== undefined) warn(reach.code, reach.message);
  return warnings;
}

function findWhyOutOfReach(
  course: Course,
  seeker: Person,
): { code: AdditionWarningCode; message: string } | undefined {
  if (seeker.remoteOk && isFollowableRemotely(course.modality)) return undefined;
  if (isRemoteOnly(course.modality)) {
    return {
      code: 'remote_not_accepted',
      message: 'it is followed remotely only, which the person does not accept',
    };
  }
  if (seeker.location === null || course.location === null) {
    return {
      code: 'place_unknown',
      message: `${seeker.location === null ? "the person's home" : 'where it is held'} is not known, so whether they can reach it cannot be told`,
    };
  }
  if (isWithinRadius(planRadiusFilter(seeker.location, seeker.mobilityRadiusKm), course.location)) {
    return undefined;
  }
  const km = Math.round(distanceKm(seeker.location, course.location));
  return {
    code: 'beyond_mobility_radius',
    message: `it is held about ${km} km from the person, beyond their mobility radius of ${seeker.mobilityRadiusKm} km, and they cannot follow it remotely`,
  };
}
