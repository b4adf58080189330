import { type CourseInput, isRemoteOnly } from '../courses/course.ts';
import type { CourseTable } from '../courses/course-table.ts';
import type { JobSeekerProfile } from '../job-seekers/job-seeker.ts';
import { parisDayNumberOf, parisDayOf } from '../shared/french-day.ts';
import { formatFrenchNumber, formatFrenchPercent } from '../shared/french-number.ts';
import { formatFrenchWeeks } from '../shared/french-weeks.ts';
import { createDistanceFrom } from '../shared/geo.ts';
import { parseIsoDay } from '../shared/iso-day.ts';
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
  /**
   * The value depends on the person alone: under an additive model it moves every course's score
   * alike (under another, by as much as it interacts with the course's values), so it tells little
   * of why one course was suggested rather than another. The job seeker's reasons leave it out; the
   * counselor's text and the person's record keep its weight.
   */
  personOnly?: true;
  /**
   * Below zero the value means something else than at zero and above (weeksToStart: the session starts
   * before the person is available, not soon): training never lets a bin hold values on both sides, and
   * its positive phrase is true of no value below zero (`phrasesTrueOf`).
   */
  splitBelowZero?: true;
  /**
   * A yes-or-no feature's phrases state its value, not only how it weighs: the positive phrase states 1
   * ("la formation est financée") and the negative one 0, unless this is set, when the positive phrase
   * states 0 (employmentRateMissing: "les résultats passés de cette formation sont connus"). A job seeker
   * is told only the phrase of the value the feature has, whichever way a model weighs it.
   */
  positivePhraseAtZero?: true;
  /**
   * The values of which each phrase is true, where the sign of a contribution cannot say it: a model
   * with other baselines than the shipped one, or sampled attributions, may weigh any value either way.
   * A job seeker is told a phrase only of a value it is true of (occupationMatch: « correspond au métier
   * que vous visez » of the exact occupation, not of a shared domain); of another, the value in words
   * (`valueInWordsFr`), or nothing for a feature without them.
   */
  phrasesTrueOf?: {
    positive: (value: number, facts: ExplanationFacts) => boolean;
    negative: (value: number, facts: ExplanationFacts) => boolean;
  };
  /**
   * What is true of any value, in plain French, told to a job seeker in place of the phrase of the way
   * the value weighs when that phrase is not true of it (`phrasesTrueOf`): the value itself in words
   * (« la formation a lieu à 38 km de chez vous, à vol d’oiseau »), not nothing nor a false phrase.
   * The same words for every model: they state the value, not how a model weighs it, so they are told as
   * a fact, neither for nor against the course (« À savoir : … »).
   */
  valueInWordsFr?: (value: number, facts: ExplanationFacts) => string;
  /**
   * The value in words (`valueInWordsFr`) is told to the job seeker whatever it weighs, apart from the
   * main reasons and taking none of their places (durationHours: how long a course lasts is worth
   * knowing whichever features weighed most).
   */
  alwaysTold?: true;
}

/**
 * Where the plain-French phrases a job seeker reads about a continuous feature stop being true, in one
 * place: a phrase is told only of the values on its side of its threshold, and a value between the two
 * is told in words as it is (`valueInWordsFr`). Each is a figure a counselor can defend to the person.
 */
export const PHRASE_THRESHOLDS = {
  /** « s’appuie bien sur les compétences que vous avez déjà »: the person holds half the skills taught or more. */
  skillsWellCoveredFrom: 0.5,
  /** « s’appuie peu sur les compétences que vous avez déjà »: a quarter of them or fewer. */
  skillsLittleCoveredUpTo: 0.25,
  /**
   * « près de chez vous ou à distance »: 15 km or less as the crow flies, and within the person's mobility
   * radius; never of a course followed at a distance only (its 0 km is no nearness to a home, which may be
   * unknown): it is told « la formation se suit à distance ».
   */
  nearUpToKm: 15,
  /** « loin de chez vous »: 30 km or more as the crow flies, and beyond the person's mobility radius. */
  farFromKm: 30,
  /** « beaucoup d’anciens stagiaires … ont retrouvé un emploi »: 60 % of them or more. */
  manyBackInWorkFrom: 0.6,
  /** « peu d’anciens stagiaires … »: 30 % of them or fewer. */
  fewBackInWorkUpTo: 0.3,
  /** « commence bientôt, quand vous êtes disponible »: within 8 weeks (about two months) of availability. */
  soonUpToWeeks: 8,
  /** « trop tard »: 16 weeks (about four months) or more after availability. */
  lateFromWeeks: 16,
} as const;

const T = PHRASE_THRESHOLDS;

/** A threshold as the float32 feature row holds it: « peu » up to 30 % includes a rate of 0.3. */
const f32 = Math.fround;

/**
 * Whole km as the crow flies, under one km said so (a great-circle distance is no road distance), against
 * the radius the person gave: within it, beyond it, or at its edge where the whole km are the radius. A
 * course followed at a distance only has no place: its 0 km says that, and nothing of the person's home.
 */
function describeDistanceFr(km: number, facts: ExplanationFacts): string {
  if (facts.courseRemoteOnly) return 'la formation se suit à distance';
  const away = km < 1 ? 'moins d’un kilomètre' : `${formatFrenchNumber(Math.round(km))} km`;
  const radius = `rayon de ${formatFrenchNumber(facts.mobilityRadiusKm)} km que vous avez indiqué`;
  const reach =
    Math.round(km) === facts.mobilityRadiusKm
      ? `à la limite du ${radius}`
      : km <= facts.mobilityRadiusKm
        ? `dans le ${radius}`
        : `au-delà du ${radius}`;
  return `la formation a lieu à ${away} de chez vous, à vol d’oiseau, ${reach}`;
}

/** When the next session starts, from the later of the day of the suggestion and the person's availability. */
function describeStartFr(weeks: number): string {
  if (weeks === WEEKS_WHEN_NO_SESSION) {
    return 'aucune session de la formation n’est encore fixée, ou la prochaine commence dans un an environ';
  }
  // « commence 0 jour après » is no French: a session of that very day (the person's availability,
  // as candidates start after the day of the suggestion) is said so.
  if (Math.round(weeks * DAYS_PER_WEEK) === 0) {
    return 'la prochaine session commence le jour même de cette suggestion ou, si elle est plus tardive, de votre date de disponibilité';
  }
  const span = formatFrenchWeeks(weeks);
  return weeks < 0
    ? `la prochaine session commence ${span} avant votre date de disponibilité`
    : `la prochaine session commence ${span} après le jour de cette suggestion ou, si elle est plus tardive, ` +
        'après votre date de disponibilité';
}

/** The share of the course's skills the person holds, or that the catalog lists none. */
function describeSkillsCoverageFr(share: number, facts: ExplanationFacts): string {
  if (facts.courseSkillCount === 0)
    return 'le catalogue n’indique pas les compétences que la formation enseigne';
  return share <= 0
    ? 'la formation ne s’appuie sur aucune des compétences que vous avez déjà'
    : `vous avez déjà ${formatFrenchPercent(share)} des compétences que la formation enseigne`;
}

/** The course's length in hours, as the catalog gives it. */
function describeDurationFr(hours: number): string {
  return `la formation dure ${formatFrenchNumber(hours)} heure${hours >= 2 ? 's' : ''}`;
}

/** The exit level against the person's, in levels. */
function describeLevelGapFr(gap: number): string {
  if (gap === 0) return 'la formation mène au niveau de diplôme que vous avez déjà';
  const levels = `${formatFrenchNumber(Math.abs(gap))} niveau${Math.abs(gap) >= 2 ? 'x' : ''}`;
  return gap > 0
    ? `la formation vous fait monter de ${levels}`
    : `la formation mène à un niveau inférieur de ${levels} au vôtre`;
}

/**
 * A profile as the features read it: the synced profile and, when known, when it was last synced
 * (`updatedAt`), from which the counts it holds as of that day (months unemployed) are aged to the
 * reference date. Without it the counts are taken as of the reference date.
 */
export interface FeatureProfile extends JobSeekerProfile {
  updatedAt?: string;
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
    // « correspond au métier que vous visez » of the exact code only; « mène à un métier éloigné » of no match.
    phrasesTrueOf: { positive: (value: number) => value >= 2, negative: (value: number) => value <= 0 },
    valueInWordsFr: (value: number) =>
      value >= 2
        ? 'la formation correspond au métier que vous visez'
        : value >= 1
          ? 'la formation mène à un métier du même domaine professionnel qu’un métier que vous visez'
          : 'la formation mène à un autre métier que ceux que vous visez, d’un autre domaine',
  },
  {
    name: 'skillsCoverage',
    kind: 'continuous',
    definition:
      "Share (0 to 1) of the course's skills the person already holds; 0 when the course lists no skill. " +
      'High means the course builds on what the person knows, low means mostly new ground.',
    // 0 is also a course whose catalog entry lists no skill: of it, neither phrase is true.
    phrasesTrueOf: {
      positive: (value: number, facts: ExplanationFacts) =>
        facts.courseSkillCount > 0 && value >= f32(T.skillsWellCoveredFrom),
      negative: (value: number, facts: ExplanationFacts) =>
        facts.courseSkillCount > 0 && value <= f32(T.skillsLittleCoveredUpTo),
    },
    valueInWordsFr: describeSkillsCoverageFr,
  },
  {
    name: 'distanceKm',
    kind: 'continuous',
    definition:
      'Great-circle distance in km from home to the course. 0 for remote courses. When either location is ' +
      "unknown, the person's mobility radius (the course is assumed to sit at the edge of what they accept).",
    // « près de chez vous » is not true of a course beyond the distance the person said they can travel,
    // nor « loin » of one within it; neither of a course followed at a distance only, whose 0 km is no
    // place (the person's home may not even be known).
    phrasesTrueOf: {
      positive: (value: number, facts: ExplanationFacts) =>
        !facts.courseRemoteOnly && value <= T.nearUpToKm && value <= facts.mobilityRadiusKm,
      negative: (value: number, facts: ExplanationFacts) =>
        !facts.courseRemoteOnly && value >= T.farFromKm && value > facts.mobilityRadiusKm,
    },
    valueInWordsFr: describeDistanceFr,
  },
  {
    name: 'withinMobility',
    kind: 'binary',
    definition: "1 when the distance is at most the person's mobility radius, else 0.",
    // « dans la zone où vous pouvez vous déplacer » is no fact of a course followed at a distance only,
    // which is nowhere to travel to; its distance says it is followed at a distance.
    phrasesTrueOf: {
      positive: (value: number, facts: ExplanationFacts) => value === 1 && !facts.courseRemoteOnly,
      negative: (value: number, facts: ExplanationFacts) => value === 0 && !facts.courseRemoteOnly,
    },
  },
  {
    name: 'remoteAccessible',
    kind: 'binary',
    definition: '1 when the course is remote or hybrid and the person accepts remote learning, else 0.',
    // 0 is also a hybrid course for a person who refuses remote learning: « la formation ne peut pas se
    // suivre à distance » is true of no value alone.
    phrasesTrueOf: { positive: (value: number) => value === 1, negative: () => false },
    valueInWordsFr: (value: number) =>
      value === 1
        ? 'vous pouvez suivre la formation à distance, comme vous l’acceptez'
        : 'la formation ne peut pas se suivre à distance, ou vous n’avez pas indiqué accepter une formation à distance',
  },
  {
    name: 'levelGap',
    kind: 'ordinal',
    splitBelowZero: true,
    definition: "The course's exit level minus the person's education level (French levels 3 to 8).",
    // « vous fait monter d'un niveau adapté » of one level gained; « peu adapté » of any other gap (none
    // gained, or a jump of several levels): one phrase is true of each value, whatever the baseline.
    phrasesTrueOf: { positive: (value: number) => value === 1, negative: (value: number) => value !== 1 },
    valueInWordsFr: describeLevelGapFr,
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
    // « la durée de la formation est un atout / un frein » states how a model weighs the duration, which
    // is true of no value alone: the person is told how long the course lasts, as a fact, neither for
    // nor against.
    phrasesTrueOf: { positive: () => false, negative: () => false },
    valueInWordsFr: describeDurationFr,
    alwaysTold: true,
  },
  {
    name: 'weeksToStart',
    kind: 'continuous',
    splitBelowZero: true,
    definition:
      'Weeks from the later of the reference date and the date the person is available to the next ' +
      `session start; negative when the session starts before the person is available; ${WEEKS_WHEN_NO_SESSION} when no session is planned.`,
    // « commence bientôt, quand vous êtes disponible » is false of a session before the person is available,
    // of one months away and of none planned; the negative phrase names three ways a start may not suit
    // (too late, before the availability, not yet fixed), and is true of those alone.
    phrasesTrueOf: {
      positive: (value: number) => value >= 0 && value <= T.soonUpToWeeks,
      negative: (value: number) => value < 0 || value >= T.lateFromWeeks,
    },
    valueInWordsFr: describeStartFr,
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
    phrasesTrueOf: {
      positive: (value: number) => value >= f32(T.manyBackInWorkFrom),
      negative: (value: number) => value <= f32(T.fewBackInWorkUpTo),
    },
    valueInWordsFr: (value: number) =>
      `${formatFrenchPercent(value)} des anciens stagiaires de cette formation avaient un emploi six mois après la formation`,
  },
  {
    name: 'employmentRateMissing',
    kind: 'binary',
    positivePhraseAtZero: true,
    definition: "1 when the course's historical return-to-employment rate is unknown, else 0.",
  },
  {
    name: 'monthsUnemployed',
    kind: 'continuous',
    personOnly: true,
    definition:
      'Months since the person became unemployed, as of the reference date: the count the profile held when ' +
      'last synced plus the whole months since that sync (the person is still registered as a job seeker).',
  },
  {
    name: 'yearsExperience',
    kind: 'continuous',
    monotone: 'increasing',
    personOnly: true,
    definition: 'Years of professional experience.',
  },
] as const satisfies readonly FeatureDefinition[];

export type FeatureName = (typeof FEATURES)[number]['name'];

export const FEATURE_NAMES: readonly FeatureName[] = FEATURES.map((feature) => feature.name);

export const FEATURE_COUNT = FEATURES.length;

const DAYS_PER_WEEK = 7;
const ROME_DOMAIN_LENGTH = 3;

/** The place whose position is not known, so that `distanceKm` holds the mobility radius and not a distance. */
export type UnknownPlace = 'home' | 'course';

/**
 * Which place's position the distance between a person and a course lacks: the home first, then the
 * place of a course that is not followed from home alone. Null when `distanceKm` is a distance (0 for
 * a remote course). The rule of the feature writer, for what people are told about that distance.
 */
export function findUnknownPlace(
  profile: Pick<JobSeekerProfile, 'location'>,
  course: Pick<CourseInput, 'modality' | 'location'>,
): UnknownPlace | null {
  if (isRemoteOnly(course.modality)) return null;
  if (profile.location === null) return 'home';
  return course.location === null ? 'course' : null;
}

/**
 * What the words people read of a suggestion rest on besides its feature row: facts of the person and
 * the course that the row does not hold, found when the suggestion is made (see `findExplanationFacts`).
 */
export interface ExplanationFacts {
  /** The place whose position the distance lacks (see `findUnknownPlace`), or null. */
  unknownPlace: UnknownPlace | null;
  /**
   * How many skills the course's catalog entry lists: with none, `skillsCoverage` is 0 for want of a
   * list, and says nothing of the skills the person holds.
   */
  courseSkillCount: number;
  /** The distance the person said they can travel, in km: what « près » and « loin » are told against. */
  mobilityRadiusKm: number;
  /**
   * The course is followed at a distance only: its `distanceKm` of 0 says so, and is no nearness to the
   * person's home (which may be unknown), nor is it in or out of the zone they can travel.
   */
  courseRemoteOnly: boolean;
}

/** The facts the explanations of a suggestion of `course` to the person of `profile` rest on. */
export function findExplanationFacts(
  profile: Pick<JobSeekerProfile, 'location' | 'mobilityRadiusKm'>,
  course: Pick<CourseInput, 'modality' | 'location' | 'skills'>,
): ExplanationFacts {
  return {
    unknownPlace: findUnknownPlace(profile, course),
    courseSkillCount: course.skills.length,
    mobilityRadiusKm: profile.mobilityRadiusKm,
    courseRemoteOnly: isRemoteOnly(course.modality),
  };
}

/** Writes the feature row of the course in row `row` of the table into `target` at `offset`. */
export type FeatureWriter = (row: number, target: Float32Array, offset: number) => void;

/**
 * Prepares the feature writer of one person as of `referenceDate`, for the courses of `table`: what
 * depends on the person alone (the level of each ROME code, which skills they hold, the reference and
 * availability days) is worked out once, so that filling an [N, F] matrix costs little more per
 * course than reading its slots. Training and serving both write through it, so the two cannot drift.
 */
export function createFeatureWriter(
  profile: FeatureProfile,
  referenceDate: Date,
  table: CourseTable,
): FeatureWriter {
  const occupationLevels = rateOccupations(profile.targetOccupations, table.occupationCodes);
  const held = new Set(profile.skills);
  const skillHeld = Uint8Array.from(table.skillCodes, (skill) => (held.has(skill) ? 1 : 0));
  const distanceFromHome = profile.location === null ? null : createDistanceFrom(profile.location);
  const { mobilityRadiusKm, educationLevel, remoteOk, yearsExperience } = profile;
  const monthsUnemployed = countMonthsUnemployed(profile, referenceDate).months;
  const referenceDay = parisDayNumberOf(referenceDate);
  const {
    size,
    occupationStart,
    occupationIds,
    skillStart,
    skillIds,
    remoteOnly,
    followableRemotely,
    lat,
    lon,
    exitLevel,
    prerequisiteLevel,
    durationHours,
    nextSessionDay,
    funded,
    certifying,
    employmentRate,
  } = table;
  const point = { lat: 0, lon: 0 };
  // Parsed on first need: a person whose courses have no planned session never needs it.
  let startDay: number | undefined;
  // Rows are checked, and every array is as long as the rows and numbers it is read at: the `?? 0`
  // fallbacks are never taken.
  return (row, target, offset) => {
    // An unsigned shift keeps only whole rows from 0 up: -1, 0.5 and NaN all come out different.
    if (row >>> 0 !== row || row >= size) {
      throw new RangeError(`no course in row ${row} of a table of ${size}`);
    }
    if (offset < 0 || offset + FEATURE_COUNT > target.length) {
      throw new RangeError(`no room for ${FEATURE_COUNT} features at offset ${offset}`);
    }
    let occupationMatch = 0;
    for (let k = occupationStart[row] ?? 0, end = occupationStart[row + 1] ?? 0; k < end; k += 1) {
      const level = occupationLevels[occupationIds[k] ?? 0] ?? 0;
      if (level > occupationMatch) occupationMatch = level;
    }
    const skillsFrom = skillStart[row] ?? 0;
    const skillsTo = skillStart[row + 1] ?? 0;
    let covered = 0;
    for (let k = skillsFrom; k < skillsTo; k += 1) covered += skillHeld[skillIds[k] ?? 0] ?? 0;
    point.lat = lat[row] ?? Number.NaN;
    point.lon = lon[row] ?? Number.NaN;
    // The radius when a place is unknown: the rule findUnknownPlace states for what people are told.
    const distance =
      remoteOnly[row] === 1
        ? 0
        : distanceFromHome === null || Number.isNaN(point.lat)
          ? mobilityRadiusKm
          : distanceFromHome(point);
    const sessionDay = nextSessionDay[row] ?? Number.NaN;
    let weeksToStart = WEEKS_WHEN_NO_SESSION;
    if (!Number.isNaN(sessionDay)) {
      startDay ??= computeStartDay(profile.availableFrom, referenceDay);
      weeksToStart = (sessionDay - startDay) / DAYS_PER_WEEK;
    }
    const rate = employmentRate[row] ?? Number.NaN;
    target[offset] = occupationMatch;
    target[offset + 1] = skillsTo === skillsFrom ? 0 : covered / (skillsTo - skillsFrom);
    target[offset + 2] = distance;
    target[offset + 3] = distance <= mobilityRadiusKm ? 1 : 0;
    target[offset + 4] = followableRemotely[row] === 1 && remoteOk ? 1 : 0;
    target[offset + 5] = (exitLevel[row] ?? 0) - educationLevel;
    target[offset + 6] = educationLevel >= (prerequisiteLevel[row] ?? 0) ? 1 : 0;
    target[offset + 7] = durationHours[row] ?? 0;
    target[offset + 8] = weeksToStart;
    target[offset + 9] = funded[row] ?? 0;
    target[offset + 10] = certifying[row] ?? 0;
    target[offset + 11] = Number.isNaN(rate) ? IMPUTED_EMPLOYMENT_RATE : rate;
    target[offset + 12] = Number.isNaN(rate) ? 1 : 0;
    target[offset + 13] = monthsUnemployed;
    target[offset + 14] = yearsExperience;
  };
}

/**
 * Returns the [N, F] feature matrix of one person against the courses in `rows` of `table`, row-major
 * in the order of `rows`: what a model scores in one run.
 */
export function computeFeatureMatrix(
  profile: FeatureProfile,
  referenceDate: Date,
  table: CourseTable,
  rows: ArrayLike<number>,
): Float32Array {
  const matrix = new Float32Array(rows.length * FEATURE_COUNT);
  const writeRow = createFeatureWriter(profile, referenceDate, table);
  for (let i = 0; i < rows.length; i += 1) writeRow(rows[i] ?? -1, matrix, i * FEATURE_COUNT);
  return matrix;
}

/** The months unemployed the model uses, and what they are counted from. */
export interface MonthsUnemployedCount {
  /** The synced count plus `elapsed`. */
  months: number;
  /** The count the profile held when last synced. */
  synced: number;
  /** Whole months from the last sync to the reference date (0 without a sync date, or one after it). */
  elapsed: number;
}

/**
 * Months unemployed as of `referenceDate`: the profile's count, as of its last sync, plus the whole
 * months since. A profile synced three years ago with 2 months counts 38, as its dates (availability)
 * are read as of the reference date too. The one rule, for the features and for what a person is told.
 */
export function countMonthsUnemployed(
  profile: Pick<FeatureProfile, 'monthsUnemployed' | 'updatedAt'>,
  referenceDate: Date,
): MonthsUnemployedCount {
  const synced = profile.monthsUnemployed;
  const elapsed =
    profile.updatedAt === undefined ? 0 : countWholeMonths(new Date(profile.updatedAt), referenceDate);
  return { months: synced + elapsed, synced, elapsed };
}

/**
 * Whole calendar months from `from` to `to`, counted on the days in France (as "today" is
 * everywhere): a sync on 31 January at 23:30 in Paris is a sync of 31 January, not of 1 February
 * as UTC would have it. 0 when `to` is not later or either date is invalid.
 */
function countWholeMonths(from: Date, to: Date): number {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return 0;
  const [fromYear = 0, fromMonth = 0, fromDay = 0] = parisDayOf(from).split('-').map(Number);
  const [toYear = 0, toMonth = 0, toDay = 0] = parisDayOf(to).split('-').map(Number);
  const months = (toYear - fromYear) * 12 + (toMonth - fromMonth) - (toDay < fromDay ? 1 : 0);
  return Math.max(0, months);
}

/**
 * The occupation match level of each code: 2 for one of the person's target codes, 1 for a code of
 * a shared domain (the first three characters), 0 otherwise. A course's match is its best code's.
 */
function rateOccupations(targets: readonly string[], codes: readonly string[]): Int8Array {
  const exact = new Set(targets);
  const domains = new Set(targets.map((code) => code.slice(0, ROME_DOMAIN_LENGTH)));
  return Int8Array.from(codes, (code) =>
    exact.has(code) ? 2 : domains.has(code.slice(0, ROME_DOMAIN_LENGTH)) ? 1 : 0,
  );
}

/** The later of the reference day and the availability day, as a day number since 1970-01-01. */
function computeStartDay(availableFrom: string | null, referenceDay: number): number {
  return availableFrom === null ? referenceDay : Math.max(referenceDay, parseIsoDay(availableFrom));
}
