import type { CourseInput } from '../courses/course.ts';
import type { JobSeekerProfile } from '../job-seekers/job-seeker.ts';
import { distanceKm } from '../shared/geo.ts';
import type { MonotoneDirection } from './monotonize.ts';

/** How a feature's values are spread, which drives binning and plotting. */
export type FeatureKind = 'binary' | 'ordinal' | 'continuous';

/** One model input column. The order of {@link FEATURES} is the column order of the model's matrix. */
export interface FeatureDefinition {
  name: string;
  kind: FeatureKind;
  /** What the number means, for the model card and the manifest's readers. */
  definition: string;
  /**
   * A direction the learned effect must follow, where any other shape would be unfair or absurd to
   * explain (e.g. long experience counting against someone would act as an age proxy).
   */
  monotone?: MonotoneDirection;
}

/**
 * Weeks used when a course has no planned session: far enough to count as "not soon",
 * without inventing a date.
 */
export const WEEKS_WHEN_NO_SESSION = 52;

/**
 * Rate used in place of an unknown return-to-employment rate. A fixed constant (not a statistic
 * of some data set) so that training and serving impute the same way; the separate
 * `employmentRateMissing` flag lets the model learn how much less an unknown rate is worth.
 */
export const IMPUTED_EMPLOYMENT_RATE = 0.5;

export const FEATURES = [
  {
    name: 'occupationMatch',
    kind: 'ordinal',
    definition:
      "2 when one of the course's ROME codes is one of the person's target occupations, 1 when they only " +
      'share a domain (the first three characters, e.g. M18), 0 otherwise. One ordinal column rather than ' +
      'a one-hot pair: the model learns one term per level either way.',
  },
  {
    name: 'skillsCoverage',
    kind: 'continuous',
    definition:
      "Share (0 to 1) of the course's skills the person already holds; 0 when the course lists no skill. " +
      'High means the course builds on what the person knows, low means mostly new ground.',
  },
  {
    name: 'distanceKm',
    kind: 'continuous',
    definition:
      'Great-circle distance in km from home to the course. 0 for remote courses. When either location is ' +
      "unknown, the person's mobility radius (the course is assumed to sit at the edge of what they accept).",
  },
  {
    name: 'withinMobility',
    kind: 'binary',
    definition: "1 when the distance is at most the person's mobility radius, else 0.",
  },
  {
    name: 'remoteAccessible',
    kind: 'binary',
    definition: '1 when the course is remote or hybrid and the person accepts remote learning, else 0.',
  },
  {
    name: 'levelGap',
    kind: 'ordinal',
    definition: "The course's exit level minus the person's education level (French levels 3 to 8).",
  },
  {
    name: 'prerequisiteMet',
    kind: 'binary',
    definition: "1 when the person's education level reaches the course's prerequisite level, else 0.",
  },
  {
    name: 'durationHours',
    kind: 'continuous',
    definition: 'Course duration in hours.',
  },
  {
    name: 'weeksToStart',
    kind: 'continuous',
    definition:
      'Weeks from the later of the reference date and the date the person is available to the next ' +
      `session start; negative when the session starts before the person is available; ${WEEKS_WHEN_NO_SESSION} when no session is planned.`,
  },
  {
    name: 'funded',
    kind: 'binary',
    definition: '1 when the course is funded for job seekers, else 0.',
  },
  {
    name: 'certifying',
    kind: 'binary',
    definition: '1 when the course leads to a registered certification, else 0.',
  },
  {
    name: 'employmentRate',
    kind: 'continuous',
    monotone: 'increasing',
    definition:
      "The course's historical share of trainees back in employment within 6 months (0 to 1); " +
      `${IMPUTED_EMPLOYMENT_RATE} when unknown (see employmentRateMissing).`,
  },
  {
    name: 'employmentRateMissing',
    kind: 'binary',
    definition: "1 when the course's historical return-to-employment rate is unknown, else 0.",
  },
  {
    name: 'monthsUnemployed',
    kind: 'continuous',
    definition: 'Months since the person became unemployed.',
  },
  {
    name: 'yearsExperience',
    kind: 'continuous',
    monotone: 'increasing',
    definition: 'Years of professional experience.',
  },
] as const satisfies readonly FeatureDefinition[];

export type FeatureName = (typeof FEATURES)[number]['name'];

export const FEATURE_NAMES: readonly FeatureName[] = FEATURES.map((feature) => feature.name);

export const FEATURE_COUNT = FEATURES.length;

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const ROME_DOMAIN_LENGTH = 3;

/**
 * Writes the feature row of one (person, course) pair into `target` at `offset`, in {@link FEATURES} order.
 * Serving fills an [N, F] matrix with it directly; training uses the same code, so the two cannot drift.
 */
export function writeFeatures(
  profile: JobSeekerProfile,
  course: CourseInput,
  referenceDate: Date,
  target: Float32Array,
  offset = 0,
): void {
  if (offset < 0 || offset + FEATURE_COUNT > target.length) {
    throw new RangeError(`no room for ${FEATURE_COUNT} features at offset ${offset}`);
  }
  const distance = computeDistanceKm(profile, course);
  const rate = course.returnToEmploymentRate;
  target[offset] = computeOccupationMatch(profile.targetOccupations, course.targetOccupations);
  target[offset + 1] = computeSkillsCoverage(profile.skills, course.skills);
  target[offset + 2] = distance;
  target[offset + 3] = distance <= profile.mobilityRadiusKm ? 1 : 0;
  target[offset + 4] = course.modality !== 'in_person' && profile.remoteOk ? 1 : 0;
  target[offset + 5] = course.exitLevel - profile.educationLevel;
  target[offset + 6] = profile.educationLevel >= course.prerequisiteLevel ? 1 : 0;
  target[offset + 7] = course.durationHours;
  target[offset + 8] = computeWeeksToStart(profile.availableFrom, course.nextSessionStart, referenceDate);
  target[offset + 9] = course.funded ? 1 : 0;
  target[offset + 10] = course.certifying ? 1 : 0;
  target[offset + 11] = rate ?? IMPUTED_EMPLOYMENT_RATE;
  target[offset + 12] = rate === null ? 1 : 0;
  target[offset + 13] = profile.monthsUnemployed;
  target[offset + 14] = profile.yearsExperience;
}

/** Returns the feature row of one (person, course) pair, in {@link FEATURES} order. */
export function computeFeatures(
  profile: JobSeekerProfile,
  course: CourseInput,
  referenceDate: Date,
): Float32Array {
  const row = new Float32Array(FEATURE_COUNT);
  writeFeatures(profile, course, referenceDate, row, 0);
  return row;
}

/** Returns 2 for a shared ROME code, 1 for a shared domain (first three characters), 0 otherwise. */
export function computeOccupationMatch(
  targets: readonly string[],
  courseOccupations: readonly string[],
): number {
  if (courseOccupations.some((code) => targets.includes(code))) {
    return 2;
  }
  const domains = new Set(targets.map((code) => code.slice(0, ROME_DOMAIN_LENGTH)));
  return courseOccupations.some((code) => domains.has(code.slice(0, ROME_DOMAIN_LENGTH))) ? 1 : 0;
}

/** Returns the share of the course's distinct skills the person holds; 0 when the course lists none. */
export function computeSkillsCoverage(
  personSkills: readonly string[],
  courseSkills: readonly string[],
): number {
  const taught = new Set(courseSkills);
  if (taught.size === 0) {
    return 0;
  }
  const held = new Set(personSkills);
  let covered = 0;
  for (const skill of taught) {
    if (held.has(skill)) {
      covered += 1;
    }
  }
  return covered / taught.size;
}

/** Returns the distance feature: 0 when remote, the mobility radius when a location is unknown. */
export function computeDistanceKm(profile: JobSeekerProfile, course: CourseInput): number {
  if (course.modality === 'remote') {
    return 0;
  }
  if (profile.location === null || course.location === null) {
    return profile.mobilityRadiusKm;
  }
  return distanceKm(profile.location, course.location);
}

/** Returns the weeks from max(reference date, availability) to the session start. */
export function computeWeeksToStart(
  availableFrom: string | null,
  nextSessionStart: string | null,
  referenceDate: Date,
): number {
  if (nextSessionStart === null) {
    return WEEKS_WHEN_NO_SESSION;
  }
  const reference = Math.floor(referenceDate.getTime() / DAY_MS) * DAY_MS;
  const from = availableFrom === null ? reference : Math.max(reference, parseIsoDay(availableFrom));
  return (parseIsoDay(nextSessionStart) - from) / WEEK_MS;
}

function parseIsoDay(isoDate: string): number {
  const time = Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(time)) {
    throw new RangeError(`not an ISO date: ${isoDate}`);
  }
  return time;
}
