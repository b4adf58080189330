import type { CourseInput } from '../courses/course.ts';
import type { JobSeekerProfile } from '../job-seekers/job-seeker.ts';
import { createDistanceFrom, distanceKm } from '../shared/geo.ts';
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
const DAYS_PER_WEEK = 7;
const ROME_DOMAIN_LENGTH = 3;
/** Writes the feature row of one course into `target` at `offset`, for the person and date it was made for. */
export type FeatureWriter = (course: CourseInput, target: Float32Array, offset: number) => void;

/**
 * Prepares the feature writer of one person as of `referenceDate`: what depends on the person alone
 * (skill and occupation sets, the reference and availability days) is worked out once, so that filling an
 * [N, F] matrix costs little more per course than reading the course. Training and serving both write
 * through it, so the two cannot drift; it yields exactly the values of the per-field functions below.
 */
export function createFeatureWriter(profile: JobSeekerProfile, referenceDate: Date): FeatureWriter {
  const matchOccupations = createOccupationMatch(profile.targetOccupations);
  const coverSkills = createSkillsCoverage(profile.skills);
  const distanceFromHome = profile.location === null ? null : createDistanceFrom(profile.location);
  const { mobilityRadiusKm, educationLevel, remoteOk, monthsUnemployed, yearsExperience } = profile;
  const referenceDay = Math.floor(referenceDate.getTime() / DAY_MS);
  // Parsed on first need, as before: a person whose courses have no planned session never needs it.
  let startDay: number | undefined;
  return (course, target, offset) => {
    if (offset < 0 || offset + FEATURE_COUNT > target.length) {
      throw new RangeError(`no room for ${FEATURE_COUNT} features at offset ${offset}`);
    }
    const distance =
      course.modality === 'remote'
        ? 0
        : distanceFromHome === null || course.location === null
          ? mobilityRadiusKm
          : distanceFromHome(course.location);
    let weeksToStart = WEEKS_WHEN_NO_SESSION;
    if (course.nextSessionStart !== null) {
      startDay ??= computeStartDay(profile.availableFrom, referenceDay);
      weeksToStart = countWeeksFrom(startDay, course.nextSessionStart);
    }
    const rate = course.returnToEmploymentRate;
    target[offset] = matchOccupations(course.targetOccupations);
    target[offset + 1] = coverSkills(course.skills);
    target[offset + 2] = distance;
    target[offset + 3] = distance <= mobilityRadiusKm ? 1 : 0;
    target[offset + 4] = course.modality !== 'in_person' && remoteOk ? 1 : 0;
    target[offset + 5] = course.exitLevel - educationLevel;
    target[offset + 6] = educationLevel >= course.prerequisiteLevel ? 1 : 0;
    target[offset + 7] = course.durationHours;
    target[offset + 8] = weeksToStart;
    target[offset + 9] = course.funded ? 1 : 0;
    target[offset + 10] = course.certifying ? 1 : 0;
    target[offset + 11] = rate ?? IMPUTED_EMPLOYMENT_RATE;
    target[offset + 12] = rate === null ? 1 : 0;
    target[offset + 13] = monthsUnemployed;
    target[offset + 14] = yearsExperience;
  };
}

/**
 * Writes the feature row of one (person, course) pair into `target` at `offset`, in {@link FEATURES} order.
 * For many courses of one person, prepare the writer once with {@link createFeatureWriter}.
 */
export function writeFeatures(
  profile: JobSeekerProfile,
  course: CourseInput,
  referenceDate: Date,
  target: Float32Array,
  offset = 0,
): void {
  createFeatureWriter(profile, referenceDate)(course, target, offset);
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
  return createOccupationMatch(targets)(courseOccupations);
}

/** Returns the share of the course's distinct skills the person holds; 0 when the course lists none. */
export function computeSkillsCoverage(
  personSkills: readonly string[],
  courseSkills: readonly string[],
): number {
  return createSkillsCoverage(personSkills)(courseSkills);
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
  return countWeeksFrom(
    computeStartDay(availableFrom, Math.floor(referenceDate.getTime() / DAY_MS)),
    nextSessionStart,
  );
}

function toRomeDomain(code: string): string {
  return code.slice(0, ROME_DOMAIN_LENGTH);
}

/**
 * Prepares {@link computeOccupationMatch} for one person's targets. The level of each ROME code met is
 * remembered, since a catalog names the same few hundred codes over and over: a course's match is then
 * the best level of its codes, which is 2 for any exact code, else 1 for any shared domain, else 0.
 */
function createOccupationMatch(targets: readonly string[]): (courseOccupations: readonly string[]) => number {
  const exact = new Set(targets);
  const domains = new Set(targets.map(toRomeDomain));
  const levels = new Map<string, number>();
  return (courseOccupations) => {
    let best = 0;
    for (const code of courseOccupations) {
      let level = levels.get(code);
      if (level === undefined) {
        level = exact.has(code) ? 2 : domains.has(toRomeDomain(code)) ? 1 : 0;
        levels.set(code, level);
      }
      if (level > best) best = level;
    }
    return best;
  };
}

/** What the skills coverage remembers of one skill code. */
interface SkillSeen {
  held: boolean;
  /** The last course (by call count) that listed it, so that a skill listed twice counts once. */
  lastCourse: number;
}

/**
 * Prepares {@link computeSkillsCoverage} for one person's skills: one lookup per skill a course lists
 * both tells whether the person holds it and whether the course already listed it, with no Set per course.
 */
function createSkillsCoverage(personSkills: readonly string[]): (courseSkills: readonly string[]) => number {
  const held = new Set(personSkills);
  const seen = new Map<string, SkillSeen>();
  let course = 0;
  return (courseSkills) => {
    course += 1;
    let distinct = 0;
    let covered = 0;
    for (const skill of courseSkills) {
      let entry = seen.get(skill);
      if (entry === undefined) {
        entry = { held: held.has(skill), lastCourse: 0 };
        seen.set(skill, entry);
      }
      if (entry.lastCourse === course) continue;
      entry.lastCourse = course;
      distinct += 1;
      if (entry.held) covered += 1;
    }
    return distinct === 0 ? 0 : covered / distinct;
  };
}

/**
 * Weeks from a day number to a session start. Whole days divided by 7 give the very doubles that
 * millisecond timestamps divided by a week's milliseconds gave: both are the rounded same ratio.
 */
function countWeeksFrom(startDay: number, nextSessionStart: string): number {
  return (parseIsoDay(nextSessionStart) - startDay) / DAYS_PER_WEEK;
}

/** The later of the reference day and the availability day, as a day number since 1970-01-01. */
function computeStartDay(availableFrom: string | null, referenceDay: number): number {
  return availableFrom === null ? referenceDay : Math.max(referenceDay, parseIsoDay(availableFrom));
}

const DIGIT_0 = 48;

/**
 * Returns the day number (days since 1970-01-01, UTC) of the date a string starts with. Plain
 * `YYYY-MM-DD` prefixes are read arithmetically, as Date.parse reads them (a day past the month's end
 * rolls over); anything else goes through Date.parse itself, so both paths agree on every input.
 */
function parseIsoDay(isoDate: string): number {
  const year = readDigits(isoDate, 0, 4);
  const month = readDigits(isoDate, 5, 2);
  const day = readDigits(isoDate, 8, 2);
  if (
    isoDate.charCodeAt(4) === 0x2d &&
    isoDate.charCodeAt(7) === 0x2d &&
    year >= 0 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= 31
  ) {
    return countDaysSinceEpoch(year, month, day);
  }
  const time = Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(time)) {
    throw new RangeError(`not an ISO date: ${isoDate}`);
  }
  return time / DAY_MS;
}

/** Reads `length` decimal digits at `start`; -1 when any of them is not a digit. */
function readDigits(text: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i += 1) {
    const digit = text.charCodeAt(i) - DIGIT_0;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (years 0 to 9999; `day` may run past the month). */
function countDaysSinceEpoch(year: number, month: number, day: number): number {
  // Counted from 1 March, so that the leap day ends the year: the classic civil-to-days method.
  const shiftedYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(shiftedYear / 400);
  const yearOfEra = shiftedYear - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
