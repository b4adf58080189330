import type { Course } from '../courses/course.ts';
import { buildCourseTable, type CourseTable } from '../courses/course-table.ts';
import { distanceKm, type GeoPoint } from '../shared/geo.ts';
import { createRandom, type Random } from '../shared/random.ts';
import { createFeatureWriter, FEATURE_COUNT, type FeatureProfile, type FeatureWriter } from './features.ts';
import {
  AGE_BANDS,
  type AgeBand,
  computeTrueLogit,
  SEXES,
  type SensitiveAttributes,
} from './generative-story.ts';
import {
  listDomainSkills,
  SYNTHETIC_CITIES,
  SYNTHETIC_DOMAINS,
  TRANSVERSAL_SKILLS,
} from './synthetic-world.ts';

/** A synthetic job seeker: the profile the model sees, plus what only the simulation knows. */
export interface SyntheticSeeker {
  id: string;
  /** As synced on the reference date: its counts (months unemployed) are those of that day. */
  profile: FeatureProfile & { updatedAt: string };
  /** For group evaluation only; never a model input. */
  sensitive: SensitiveAttributes;
  /** Home location even when the profile does not know it, so outcomes follow the real distance. */
  trueLocation: GeoPoint;
}

/** A synthetic catalog course, with what only the simulation knows. */
export interface SyntheticCourse {
  course: Course;
  /** Hidden quality q ~ N(0, 1); the published rate is a noisy reflection of it. */
  quality: number;
  /** Location even when the catalog does not know it. */
  trueLocation: GeoPoint | null;
}

/** One (person, course) candidate pair and its simulated outcome. */
export interface SyntheticPair {
  seekerIndex: number;
  courseIndex: number;
  /** True probability of being back in employment within 6 months of the course. */
  probability: number;
  /** 1 when back in employment within 6 months of the course. */
  outcome: 0 | 1;
}

export interface SyntheticPopulation {
  options: PopulationOptions;
  referenceDate: Date;
  seekers: SyntheticSeeker[];
  courses: SyntheticCourse[];
  pairs: SyntheticPair[];
}

export interface PopulationOptions {
  seed: number;
  seekerCount: number;
  courseCount: number;
  candidatesPerSeeker: number;
  /** ISO date (YYYY-MM-DD) the population is observed at. */
  referenceDate: string;
}

export const DEFAULT_POPULATION_OPTIONS: PopulationOptions = {
  seed: 20250411,
  seekerCount: 8000,
  courseCount: 500,
  candidatesPerSeeker: 8,
  referenceDate: '2025-03-03',
};

const DAY_MS = 86_400_000;
const RADII_KM = [5, 10, 15, 20, 30, 40, 50, 80] as const;
/** Farthest in-person course a counselor would put among a person's candidates. */
const CANDIDATE_RADIUS_KM = 150;
/** Chance that a given remote course is among the ones a counselor considers for a person. */
const REMOTE_CANDIDATE_SHARE = 0.3;
const CITY_WEIGHTS = SYNTHETIC_CITIES.map((city) => city.weight);

/**
 * Generates a seeded synthetic population following the generative story in `generative-story.ts`.
 * Same options, same population.
 */
export function generatePopulation(
  options: PopulationOptions = DEFAULT_POPULATION_OPTIONS,
): SyntheticPopulation {
  const random = createRandom(options.seed);
  const referenceDate = new Date(`${options.referenceDate}T00:00:00Z`);
  const courses = Array.from({ length: options.courseCount }, (_, i) =>
    generateCourse(random, i, referenceDate),
  );
  const seekers = Array.from({ length: options.seekerCount }, (_, i) =>
    generateSeeker(random, i, referenceDate),
  );
  const pairs: SyntheticPair[] = [];
  const trueCourses = buildTrueCourseTable(courses);
  const trueRow = new Float32Array(FEATURE_COUNT);
  seekers.forEach((seeker, seekerIndex) => {
    const writeTrueRow = createTrueFeatureWriter(seeker, referenceDate, trueCourses);
    for (const courseIndex of drawCandidates(random, seeker, courses, options.candidatesPerSeeker)) {
      const synthetic = courses[courseIndex];
      if (synthetic === undefined) {
        continue;
      }
      writeTrueRow(courseIndex, trueRow, 0);
      const probability = sigmoid(computeTrueLogit(trueRow, synthetic.quality, seeker.sensitive));
      pairs.push({ seekerIndex, courseIndex, probability, outcome: random.next() < probability ? 1 : 0 });
    }
  });
  return { options, referenceDate, seekers, courses, pairs };
}

/** The courses as the catalog shows them, laid out for the features. */
export function buildCatalogTable(courses: readonly SyntheticCourse[]): CourseTable {
  return buildCourseTable(courses.map((synthetic) => synthetic.course));
}

/** The courses at their true locations, which only the simulation knows, for the true outcomes. */
export function buildTrueCourseTable(courses: readonly SyntheticCourse[]): CourseTable {
  return buildCourseTable(
    courses.map((synthetic) => ({ ...synthetic.course, location: synthetic.trueLocation })),
  );
}

/** The feature writer of a person at their true home, over a {@link buildTrueCourseTable} table. */
export function createTrueFeatureWriter(
  seeker: SyntheticSeeker,
  referenceDate: Date,
  trueCourses: CourseTable,
): FeatureWriter {
  return createFeatureWriter(
    { ...seeker.profile, location: seeker.trueLocation },
    referenceDate,
    trueCourses,
  );
}

function generateSeeker(random: Random, index: number, referenceDate: Date): SyntheticSeeker {
  const ageBand = random.pickWeightedItem(AGE_BANDS, [0.22, 0.55, 0.23]);
  const sex = random.pick(SEXES);
  const disability = random.nextBoolean(0.09);
  const yearsExperience = drawExperience(random, ageBand);
  let monthsMean = 7;
  monthsMean *= ageBand === '50-plus' ? 1.7 : 1;
  monthsMean *= disability ? 1.4 : 1;
  const monthsUnemployed = Math.min(60, Math.round(-monthsMean * Math.log(1 - random.next())));
  const domainWeights = SYNTHETIC_DOMAINS.map((d) => (sex === 'female' ? d.weightFemale : d.weightMale));
  const domain = random.pickWeightedItem(SYNTHETIC_DOMAINS, domainWeights);
  const targetOccupations = random.sample(domain.occupations, random.nextInt(1, 2));
  const secondDomain = random.nextBoolean(0.15) ? random.pick(SYNTHETIC_DOMAINS) : undefined;
  if (secondDomain !== undefined && secondDomain !== domain) {
    targetOccupations.push(random.pick(secondDomain.occupations));
  }
  const skillCount = Math.min(7, 1 + random.nextInt(0, 2) + Math.floor(yearsExperience / 6));
  const skills = [
    ...random.sample(listDomainSkills(domain), skillCount),
    ...random.sample(TRANSVERSAL_SKILLS, random.nextInt(0, 2)),
  ];
  const city = random.pickWeightedItem(SYNTHETIC_CITIES, CITY_WEIGHTS);
  const trueLocation = jitter(random, city.point, 0.18);
  let radius: number = random.pick(RADII_KM);
  radius *= disability ? 0.6 : 1;
  radius *= ageBand === '50-plus' ? 0.8 : 1;
  const availableInWeeks = random.nextBoolean(0.35) ? random.nextInt(1, 12) : 0;
  const profile: SyntheticSeeker['profile'] = {
    targetOccupations,
    educationLevel: 3 + random.pickWeighted([0.25, 0.3, 0.18, 0.14, 0.1, 0.03]),
    skills,
    yearsExperience,
    monthsUnemployed,
    location: random.nextBoolean(0.06) ? null : trueLocation,
    mobilityRadiusKm: Math.round(radius),
    remoteOk: random.nextBoolean(disability ? 0.75 : 0.6),
    availableFrom: availableInWeeks === 0 ? null : addDays(referenceDate, 7 * availableInWeeks),
    // Observed on the reference date, as a profile the service scores that day just after its sync.
    updatedAt: referenceDate.toISOString(),
  };
  return {
    id: `JS${String(index + 1).padStart(6, '0')}`,
    profile,
    sensitive: { ageBand, sex, disability },
    trueLocation,
  };
}

function drawExperience(random: Random, ageBand: AgeBand): number {
  switch (ageBand) {
    case 'under-26':
      return random.nextInt(0, 5);
    case '26-49':
      return random.nextInt(1, 22);
    case '50-plus':
      return random.nextInt(8, 38);
  }
}

function generateCourse(random: Random, index: number, referenceDate: Date): SyntheticCourse {
  const domain = random.pick(SYNTHETIC_DOMAINS);
  const modality = random.pickWeightedItem(['in_person', 'hybrid', 'remote'] as const, [0.6, 0.28, 0.12]);
  const city = random.pickWeightedItem(SYNTHETIC_CITIES, CITY_WEIGHTS);
  const trueLocation = modality === 'remote' ? null : jitter(random, city.point, 0.05);
  const prerequisiteLevel = 3 + random.pickWeighted([0.4, 0.3, 0.2, 0.1]);
  const exitLevel = Math.min(8, prerequisiteLevel + random.nextInt(0, 2));
  const quality = random.nextNormal();
  const publishedRate = sigmoid(0.2 + 0.8 * quality + 0.3 * random.nextNormal());
  const sessionInWeeks = random.nextInt(0, 30);
  const course: Course = {
    id: `C${String(index + 1).padStart(5, '0')}`,
    title: `${domain.label} — parcours ${index + 1}`,
    provider: `Organisme ${1 + (index % 37)}`,
    targetOccupations: random.sample(domain.occupations, random.nextInt(1, 2)),
    skills: random.sample(listDomainSkills(domain), random.nextInt(2, 6)),
    exitLevel,
    prerequisiteLevel,
    durationHours: Math.round(Math.exp(random.nextUniform(Math.log(35), Math.log(1200)))),
    modality,
    location: trueLocation !== null && random.nextBoolean(0.03) ? null : trueLocation,
    city: modality === 'remote' ? null : city.name,
    nextSessionStart: random.nextBoolean(0.05)
      ? null
      : addDays(referenceDate, 7 * sessionInWeeks + random.nextInt(0, 6)),
    funded: random.nextBoolean(0.7),
    certifying: random.nextBoolean(0.55),
    returnToEmploymentRate: random.nextBoolean(0.25) ? null : Math.round(publishedRate * 100) / 100,
    active: true,
    updatedAt: `${referenceDate.toISOString().slice(0, 10)}T00:00:00.000Z`,
  };
  return { course, quality, trueLocation };
}

/**
 * Draws a person's candidate courses among those a counselor would look at (within
 * {@link CANDIDATE_RADIUS_KM} of home, or a share of the remote ones): half in the person's target
 * domains, the rest at random.
 */
function drawCandidates(
  random: Random,
  seeker: SyntheticSeeker,
  courses: readonly SyntheticCourse[],
  count: number,
): number[] {
  const domains = new Set(seeker.profile.targetOccupations.map((code) => code.slice(0, 3)));
  const reachable: number[] = [];
  const inDomain: number[] = [];
  courses.forEach((synthetic, index) => {
    const where = synthetic.trueLocation;
    const outOfReach = where !== null && distanceKm(seeker.trueLocation, where) > CANDIDATE_RADIUS_KM;
    // Remote courses are reachable from everywhere; without thinning they would crowd out local ones.
    const skippedRemote = where === null && !random.nextBoolean(REMOTE_CANDIDATE_SHARE);
    if (outOfReach || skippedRemote) {
      return;
    }
    reachable.push(index);
    if (synthetic.course.targetOccupations.some((code) => domains.has(code.slice(0, 3)))) {
      inDomain.push(index);
    }
  });
  const chosen = new Set<number>(random.sample(inDomain, Math.floor(count / 2)));
  for (const index of random.sample(reachable, count)) {
    if (chosen.size < count) {
      chosen.add(index);
    }
  }
  return [...chosen];
}

function jitter(random: Random, point: GeoPoint, sdDegrees: number): GeoPoint {
  const round = (value: number) => Math.round(value * 10_000) / 10_000;
  return {
    lat: round(point.lat + sdDegrees * random.nextNormal()),
    lon: round(point.lon + sdDegrees * random.nextNormal()),
  };
}

function addDays(date: Date, days: number): string {
  return new Date(date.getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
