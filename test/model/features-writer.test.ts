import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CourseInput } from '../../src/courses/course.ts';
import { buildCourseTable } from '../../src/courses/course-table.ts';
import type { JobSeekerProfile } from '../../src/job-seekers/job-seeker.ts';
import {
  createFeatureWriter,
  FEATURE_COUNT,
  FEATURE_NAMES,
  IMPUTED_EMPLOYMENT_RATE,
  WEEKS_WHEN_NO_SESSION,
} from '../../src/model/features.ts';
import { createDistanceFrom, distanceKm, type GeoPoint } from '../../src/shared/geo.ts';
import { aCourse, aJobSeeker } from '../support/builders.ts';
import { computeFeatures } from '../support/features.ts';

const REFERENCE = new Date('2027-01-04T09:30:00Z');
const DAY_MS = 86_400_000;

/**
 * The feature row as first written: a Set per course, dates parsed by Date.parse, the distance from
 * src/shared/geo.ts. The shipped model was trained on these values, so the prepared writer must give
 * the very same float32 bits.
 */
function writeReferenceRow(
  profile: JobSeekerProfile,
  course: CourseInput,
  referenceDate: Date,
): Float32Array {
  const parseDay = (isoDate: string): number => {
    const time = Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`);
    if (Number.isNaN(time)) throw new RangeError(`not an ISO date: ${isoDate}`);
    return time;
  };
  const domainOf = (code: string) => code.slice(0, 3);
  const domains = new Set(profile.targetOccupations.map(domainOf));
  const occupationMatch = course.targetOccupations.some((code) => profile.targetOccupations.includes(code))
    ? 2
    : course.targetOccupations.some((code) => domains.has(domainOf(code)))
      ? 1
      : 0;
  const taught = new Set(course.skills);
  const held = new Set(profile.skills);
  const coverage =
    taught.size === 0 ? 0 : [...taught].filter((skill) => held.has(skill)).length / taught.size;
  const distance =
    course.modality === 'remote'
      ? 0
      : profile.location === null || course.location === null
        ? profile.mobilityRadiusKm
        : distanceKm(profile.location, course.location);
  let weeks = WEEKS_WHEN_NO_SESSION;
  if (course.nextSessionStart !== null) {
    const reference = Math.floor(referenceDate.getTime() / DAY_MS) * DAY_MS;
    const from =
      profile.availableFrom === null ? reference : Math.max(reference, parseDay(profile.availableFrom));
    weeks = (parseDay(course.nextSessionStart) - from) / (7 * DAY_MS);
  }
  const rate = course.returnToEmploymentRate;
  return Float32Array.from([
    occupationMatch,
    coverage,
    distance,
    distance <= profile.mobilityRadiusKm ? 1 : 0,
    course.modality !== 'in_person' && profile.remoteOk ? 1 : 0,
    course.exitLevel - profile.educationLevel,
    profile.educationLevel >= course.prerequisiteLevel ? 1 : 0,
    course.durationHours,
    weeks,
    course.funded ? 1 : 0,
    course.certifying ? 1 : 0,
    rate ?? IMPUTED_EMPLOYMENT_RATE,
    rate === null ? 1 : 0,
    profile.monthsUnemployed,
    profile.yearsExperience,
  ]);
}

const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const aDate = fc.oneof(
  fc.integer({ min: 19_000, max: 22_000 }).map(isoDay),
  // Days past the end of a month, which Date.parse rolls over into the next one.
  fc
    .record({
      year: fc.integer({ min: 1990, max: 2100 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 28, max: 31 }),
    })
    .map(
      ({ year, month, day }) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    ),
  fc.integer({ min: 19_000, max: 22_000 }).map((day) => `${isoDay(day)}T12:00:00Z`),
);
/** Degrees with six decimals, as catalogs give them: fc.double favours extremes, where rounding hides. */
const degrees = (min: number, max: number) =>
  fc.integer({ min: min * 1e6, max: max * 1e6 }).map((micro) => micro / 1e6);
const aPoint = fc.record({ lat: degrees(-90, 90), lon: degrees(-180, 180) });
const FRENCH_POINT = fc.record({ lat: degrees(41, 51.5), lon: degrees(-5, 9.6) });
const SKILLS = ['accueil', 'hygiene', 'soins', 'caisse', 'vente', 'SK-D15-1', 'SK-D15-2', 'SK-TR-1'];
const CODES = ['J1501', 'J1502', 'M1805', 'M1810', 'D1507', 'D1505', 'J15', 'M1', ''];
const aProfile: fc.Arbitrary<JobSeekerProfile> = fc.record({
  targetOccupations: fc.array(fc.constantFrom(...CODES), { maxLength: 3 }),
  educationLevel: fc.integer({ min: 3, max: 8 }),
  skills: fc.array(fc.constantFrom(...SKILLS), { maxLength: 6 }),
  yearsExperience: fc.integer({ min: 0, max: 45 }),
  monthsUnemployed: fc.integer({ min: 0, max: 60 }),
  location: fc.option(FRENCH_POINT, { nil: null }),
  mobilityRadiusKm: fc.integer({ min: 0, max: 200 }),
  remoteOk: fc.boolean(),
  availableFrom: fc.option(aDate, { nil: null }),
});
const aScorableCourse: fc.Arbitrary<CourseInput> = fc
  .record({
    targetOccupations: fc.array(fc.constantFrom(...CODES), { maxLength: 3 }),
    skills: fc.array(fc.constantFrom(...SKILLS), { maxLength: 6 }),
    exitLevel: fc.integer({ min: 3, max: 8 }),
    prerequisiteLevel: fc.integer({ min: 3, max: 8 }),
    durationHours: fc.integer({ min: 1, max: 2000 }),
    modality: fc.constantFrom('in_person' as const, 'remote' as const, 'hybrid' as const),
    location: fc.option(FRENCH_POINT, { nil: null }),
    nextSessionStart: fc.option(aDate, { nil: null }),
    funded: fc.boolean(),
    certifying: fc.boolean(),
    returnToEmploymentRate: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
  })
  .map((fields) => aCourse(fields));

describe('createFeatureWriter', () => {
  it('writes for every course of a person the very float32 values the model was trained on', () => {
    fc.assert(
      fc.property(
        aProfile,
        fc.array(aScorableCourse, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 19_000, max: 22_000 }),
        (profile, courses, referenceDay) => {
          const referenceDate = new Date(referenceDay * DAY_MS + 34_200_000);
          const writeRow = createFeatureWriter(profile, referenceDate, buildCourseTable(courses));
          // Rows written last to first, as a batch names them in any order.
          const row = new Float32Array(FEATURE_COUNT);
          for (let i = courses.length - 1; i >= 0; i -= 1) {
            const course = courses[i];
            if (course === undefined) continue;
            writeRow(i, row, 0);
            expect(Array.from(row)).toEqual(Array.from(writeReferenceRow(profile, course, referenceDate)));
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('counts a skill listed twice once in each course that lists it', () => {
    const courses = buildCourseTable([
      aCourse({ skills: ['a', 'a', 'b'] }),
      aCourse({ skills: ['b', 'a', 'a', 'c'] }),
    ]);
    const writeRow = createFeatureWriter(aJobSeeker({ skills: ['a'] }), REFERENCE, courses);
    const matrix = new Float32Array(2 * FEATURE_COUNT);
    const coverage = FEATURE_NAMES.indexOf('skillsCoverage');
    writeRow(0, matrix, 0);
    writeRow(1, matrix, FEATURE_COUNT);
    expect([matrix[coverage], matrix[FEATURE_COUNT + coverage]]).toEqual([0.5, Math.fround(1 / 3)]);
  });

  it('reads every day of the calendar as Date.parse does, including days past the end of a month', () => {
    const person = aJobSeeker({ availableFrom: null });
    const weeks = FEATURE_NAMES.indexOf('weeksToStart');
    const mismatches: string[] = [];
    const everyYearNearNow = Array.from({ length: 301 }, (_, i) => 1900 + i);
    const someOtherYears = Array.from({ length: 271 }, (_, i) => i * 37).concat(9999);
    for (const year of [...someOtherYears, ...everyYearNearNow]) {
      for (let month = 1; month <= 12; month += 1) {
        for (let day = 1; day <= 31; day += 1) {
          const date = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          const row = computeFeatures(person, aCourse({ nextSessionStart: date }), new Date(0));
          if (row[weeks] !== Math.fround(Date.parse(`${date}T00:00:00Z`) / (7 * DAY_MS)))
            mismatches.push(date);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('refuses a session date that is not an ISO date', () => {
    for (const date of ['2027-13-01', '2027-02-32', '2027-1-01', '01/02/2027', '']) {
      expect(() => buildCourseTable([aCourse({ nextSessionStart: date })])).toThrow(RangeError);
    }
  });

  it('reads the availability date only when a course has a session', () => {
    const person = aJobSeeker({ availableFrom: 'soon' });
    const courses = buildCourseTable([
      aCourse({ nextSessionStart: null }),
      aCourse({ nextSessionStart: '2027-02-01' }),
    ]);
    const writeRow = createFeatureWriter(person, REFERENCE, courses);
    const row = new Float32Array(FEATURE_COUNT);
    writeRow(0, row, 0);
    expect(row[FEATURE_NAMES.indexOf('weeksToStart')]).toBe(WEEKS_WHEN_NO_SESSION);
    expect(() => writeRow(1, row, 0)).toThrow(RangeError);
  });

  it('refuses to write past the end of the matrix', () => {
    const writeRow = createFeatureWriter(aJobSeeker(), REFERENCE, buildCourseTable([aCourse()]));
    expect(() => writeRow(0, new Float32Array(2 * FEATURE_COUNT), FEATURE_COUNT + 1)).toThrow(RangeError);
    expect(() => writeRow(0, new Float32Array(FEATURE_COUNT), -1)).toThrow(RangeError);
  });

  it('refuses a row the table does not hold', () => {
    const writeRow = createFeatureWriter(aJobSeeker(), REFERENCE, buildCourseTable([aCourse(), aCourse()]));
    for (const row of [-1, 2, 0.5, Number.NaN]) {
      expect(() => writeRow(row, new Float32Array(FEATURE_COUNT), 0)).toThrow(RangeError);
    }
  });
});

describe('createDistanceFrom', () => {
  /** The textbook haversine, written independently of src/shared/geo.ts. */
  function haversineKm(a: GeoPoint, b: GeoPoint): number {
    const rad = Math.PI / 180;
    const h =
      Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 +
      Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
    return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  it('agrees with the textbook haversine, and distanceKm is the same function', () => {
    fc.assert(
      fc.property(aPoint, fc.array(aPoint, { minLength: 1, maxLength: 20 }), (origin: GeoPoint, points) => {
        const distanceFromOrigin = createDistanceFrom(origin);
        for (const point of points) {
          const km = distanceFromOrigin(point);
          expect(Math.abs(km - haversineKm(origin, point))).toBeLessThan(1e-9 * Math.max(1, km));
          expect(Object.is(km, distanceKm(origin, point))).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('measures Paris to Lyon at about 392 km', () => {
    const km = distanceKm({ lat: 48.8566, lon: 2.3522 }, { lat: 45.764, lon: 4.8357 });
    expect(km).toBeGreaterThan(390);
    expect(km).toBeLessThan(394);
  });
});
