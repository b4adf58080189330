import type { CourseRecord, Modality } from '../courses/course.ts';
import type { JobSeekerInput } from '../job-seekers/job-seeker.ts';
import { parisDayNumberOf } from '../shared/french-day.ts';
import type { GeoPoint } from '../shared/geo.ts';
import { DEMO_CITIES, type DemoCity, findDemoCity } from './demo-cities.ts';
import { DEMO_JOB_SEEKERS } from './demo-job-seekers.ts';
import { DEMO_OCCUPATIONS, type DemoOccupation, findDemoOccupation } from './demo-occupations.ts';
import { createDemoRandom, type DemoRandom } from './demo-random.ts';

/** The seed of the shipped demo: change it and every demo course changes. */
export const DEMO_SEED = 20_261_129;
export const DEMO_COURSE_COUNT = 3000;
/** Demo course ids are `demo-0001` … `demo-3000`: stable for a given seed and count. */
export const DEMO_COURSE_ID_PREFIX = 'demo-';

/**
 * Courses placed first, for each demo job seeker, in their city and their first target
 * occupation, so every demo caseload has something to suggest whatever the seed.
 */
const ANCHOR_COURSES_PER_JOB_SEEKER = 2;
const INACTIVE_SHARE = 0.03;
const FUNDED_SHARE = 0.82;
const UNKNOWN_EMPLOYMENT_RATE_SHARE = 0.15;
const RELATED_OCCUPATION_SHARE = 0.35;
/** About 3 km: training centres sit across town, not all on the town hall. */
const LOCATION_SPREAD_DEGREES = 0.03;
const FIRST_SESSION_DAY = 30;
const LAST_SESSION_DAY = 270;
/**
 * What tells apart the courses of one title in one region (or online), as regional catalogs name
 * them: the plain title first, then a rhythm or a path, then both.
 */
const TITLE_RHYTHMS = ['en alternance', 'à temps partiel', 'en cours du soir'];
const TITLE_PATHS = [
  'parcours intensif',
  'avec remise à niveau',
  'parcours individualisé',
  'parcours modulaire',
];
const TITLE_VARIANTS: readonly string[] = [
  '',
  ...TITLE_RHYTHMS,
  ...TITLE_PATHS,
  ...TITLE_PATHS.flatMap((path) => TITLE_RHYTHMS.map((rhythm) => `${path}, ${rhythm}`)),
];

export interface DemoJobSeeker {
  id: string;
  input: JobSeekerInput;
}

export interface DemoData {
  courses: CourseRecord[];
  jobSeekers: DemoJobSeeker[];
}

export interface DemoDataOptions {
  /** Session and availability dates are counted from this instant's day in France. */
  referenceDate: Date;
  seed?: number;
  courseCount?: number;
}

/**
 * Builds the demo catalog and caseloads. Pure: the same seed, count and reference day always
 * give the same data, and nothing is read from the clock or the environment.
 */
export function generateDemoData(options: DemoDataOptions): DemoData {
  const random = createDemoRandom(options.seed ?? DEMO_SEED);
  const count = options.courseCount ?? DEMO_COURSE_COUNT;
  const today = startOfParisDay(options.referenceDate);
  const anchors = DEMO_JOB_SEEKERS.flatMap((profile) =>
    Array.from({ length: ANCHOR_COURSES_PER_JOB_SEEKER }, () => ({
      occupation: findDemoOccupation(firstOf(profile.targetOccupations)),
      city: findDemoCity(profile.city),
    })),
  );
  const courses: CourseRecord[] = [];
  const titlesGiven = new Map<string, number>();
  for (let index = 0; index < count; index += 1) {
    const anchor = anchors[index];
    const id = formatDemoCourseId(index + 1, count);
    const course =
      anchor === undefined
        ? generateCourse(random, id, today, {
            occupation: random.pickWeighted(DEMO_OCCUPATIONS, (occupation) => occupation.weight),
            city: random.pickWeighted(DEMO_CITIES, (city) => city.weight),
            inPersonOnly: false,
          })
        : generateCourse(random, id, today, { ...anchor, inPersonOnly: true });
    courses.push({ ...course, title: giveDistinctTitle(titlesGiven, course) });
  }
  return { courses, jobSeekers: DEMO_JOB_SEEKERS.map((profile) => toDemoJobSeeker(profile, today)) };
}

/**
 * The course's title, told apart from the courses before it with the same title in the same region
 * (or, given remotely, from every remote one), so that the suggestions a demo person gets, from
 * around their home and online, do not repeat a title. Draws nothing: the rest of the catalog stays
 * as the seed makes it.
 */
function giveDistinctTitle(titlesGiven: Map<string, number>, course: CourseRecord): string {
  const where = course.city === null ? 'remote' : findDemoCity(course.city).region;
  const key = `${course.title}\n${where}`;
  const repeat = titlesGiven.get(key) ?? 0;
  titlesGiven.set(key, repeat + 1);
  const group = Math.floor(repeat / TITLE_VARIANTS.length);
  const qualifiers = [
    course.city === null ? 'à distance' : '',
    TITLE_VARIANTS[repeat % TITLE_VARIANTS.length] ?? '',
    group === 0 ? '' : `groupe ${group + 1}`,
  ].filter((qualifier) => qualifier !== '');
  return qualifiers.length === 0 ? course.title : `${course.title} — ${qualifiers.join(', ')}`;
}

/** Pads to at least four digits so that ids sort in generation order. */
export function formatDemoCourseId(position: number, count = DEMO_COURSE_COUNT): string {
  const width = Math.max(4, String(count).length);
  return `${DEMO_COURSE_ID_PREFIX}${String(position).padStart(width, '0')}`;
}

interface CoursePlacement {
  occupation: DemoOccupation;
  city: DemoCity;
  /** Anchors are real places the job seeker can reach, and always active. */
  inPersonOnly: boolean;
}

function generateCourse(
  random: DemoRandom,
  id: string,
  today: Date,
  placement: CoursePlacement,
): CourseRecord {
  const { occupation, city, inPersonOnly } = placement;
  const template = random.pick(occupation.templates);
  const modality: Modality =
    !inPersonOnly && random.chance(occupation.remoteShare)
      ? random.chance(0.4)
        ? 'remote'
        : 'hybrid'
      : 'in_person';
  const active = inPersonOnly || !random.chance(INACTIVE_SHARE);
  const related = occupation.relatedCodes.length > 0 && random.chance(RELATED_OCCUPATION_SHARE);
  const skillCount = random.nextInt(3, Math.min(6, occupation.skills.length));
  return {
    id,
    title: template.title,
    provider: random.pick(occupation.providers).replace('{city}', city.name).replace('{region}', city.region),
    targetOccupations: related
      ? [occupation.romeCode, random.pick(occupation.relatedCodes)]
      : [occupation.romeCode],
    skills: random.sample(occupation.skills, skillCount),
    exitLevel: template.exitLevel,
    prerequisiteLevel: template.prerequisiteLevel,
    durationHours: roundToWorkingDays(random.nextInt(template.hours[0], template.hours[1])),
    modality,
    location: modality === 'remote' ? null : spreadAround(random, city.point),
    city: modality === 'remote' ? null : city.name,
    nextSessionStart: active
      ? formatDate(nextMonday(addDays(today, random.nextInt(FIRST_SESSION_DAY, LAST_SESSION_DAY))))
      : null,
    funded: random.chance(FUNDED_SHARE),
    certifying: template.certifying,
    returnToEmploymentRate: random.chance(UNKNOWN_EMPLOYMENT_RATE_SHARE)
      ? null
      : drawEmploymentRate(random, occupation.employmentRate, template.certifying),
    active,
  };
}

function toDemoJobSeeker(profile: (typeof DEMO_JOB_SEEKERS)[number], today: Date): DemoJobSeeker {
  const city = findDemoCity(profile.city);
  return {
    id: profile.id,
    input: {
      counselorId: profile.counselorId,
      targetOccupations: [...profile.targetOccupations],
      educationLevel: profile.educationLevel,
      skills: [...profile.skills],
      yearsExperience: profile.yearsExperience,
      monthsUnemployed: profile.monthsUnemployed,
      location: profile.locationKnown ? { ...city.point } : null,
      mobilityRadiusKm: profile.mobilityRadiusKm,
      remoteOk: profile.remoteOk,
      availableFrom:
        profile.availableInDays === null ? null : formatDate(addDays(today, profile.availableInDays)),
    },
  };
}

/** Certifying courses place a little better; the spread keeps figures from looking copied. */
function drawEmploymentRate(random: DemoRandom, typical: number, certifying: boolean): number {
  const rate = typical + (random.next() - 0.5) * 0.2 + (certifying ? 0.03 : -0.03);
  return Math.round(Math.min(0.98, Math.max(0.2, rate)) * 100) / 100;
}

/** Course durations are counted in 7-hour days. */
function roundToWorkingDays(hours: number): number {
  return Math.max(7, Math.round(hours / 7) * 7);
}

function spreadAround(random: DemoRandom, point: GeoPoint): GeoPoint {
  const jitter = () => (random.next() * 2 - 1) * LOCATION_SPREAD_DEGREES;
  return { lat: roundCoordinate(point.lat + jitter()), lon: roundCoordinate(point.lon + jitter()) };
}

function roundCoordinate(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** Today in France, as 00:00 UTC of that date: the date arithmetic below is done in UTC. */
function startOfParisDay(date: Date): Date {
  return new Date(parisDayNumberOf(date) * 86_400_000);
}

function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}

/** Sessions start on a Monday, as most training centres schedule them. */
function nextMonday(date: Date): Date {
  const daysToMonday = (8 - date.getUTCDay()) % 7;
  return addDays(date, daysToMonday);
}

function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function firstOf(items: readonly string[]): string {
  const first = items[0];
  if (first === undefined) throw new Error('a demo job seeker needs a target occupation');
  return first;
}
