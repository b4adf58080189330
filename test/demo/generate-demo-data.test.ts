import { describe, expect, it } from 'vitest';
import { validateCourseRecord } from '../../src/courses/validate-course-record.ts';
import { DEMO_CITIES, findDemoCity, METROPOLITAN_FRANCE_BOUNDS } from '../../src/demo/demo-cities.ts';
import {
  DEMO_COUNSELOR_IDS,
  DEMO_JOB_SEEKER_IDS,
  DEMO_JOB_SEEKERS,
} from '../../src/demo/demo-job-seekers.ts';
import { DEMO_OCCUPATIONS } from '../../src/demo/demo-occupations.ts';
import {
  DEMO_COURSE_COUNT,
  formatDemoCourseId,
  generateDemoData,
} from '../../src/demo/generate-demo-data.ts';
import { ROME_CODE } from '../../src/job-seekers/job-seeker.ts';
import { distanceKm, type GeoPoint } from '../../src/shared/geo.ts';

const referenceDate = new Date('2027-03-10T09:30:00Z');
const demo = generateDemoData({ referenceDate });
const DAY_MS = 86_400_000;

function daysAfterReference(date: string): number {
  return (Date.parse(`${date}T00:00:00Z`) - Date.parse('2027-03-10T00:00:00Z')) / DAY_MS;
}

function insideMetropolitanFrance(point: GeoPoint): boolean {
  const b = METROPOLITAN_FRANCE_BOUNDS;
  return point.lat >= b.minLat && point.lat <= b.maxLat && point.lon >= b.minLon && point.lon <= b.maxLon;
}

describe('demo data generation', () => {
  it('gives the same data for the same seed and day, and other data for another seed', () => {
    expect(generateDemoData({ referenceDate })).toEqual(demo);
    const other = generateDemoData({ referenceDate, seed: 7 });
    expect(other.courses.map((course) => course.id)).toEqual(demo.courses.map((course) => course.id));
    expect(other.courses).not.toEqual(demo.courses);
  });

  it('keeps the ids and the content stable across days, moving only the dates', () => {
    const later = generateDemoData({ referenceDate: new Date('2027-05-01T00:00:00Z') });
    const withoutDates = (courses: typeof demo.courses) =>
      courses.map(({ nextSessionStart: _date, ...rest }) => rest);
    expect(withoutDates(later.courses)).toEqual(withoutDates(demo.courses));
    expect(later.courses.map((course) => course.nextSessionStart)).not.toEqual(
      demo.courses.map((course) => course.nextSessionStart),
    );
  });

  it('numbers a few thousand courses demo-0001 onwards', () => {
    expect(demo.courses).toHaveLength(DEMO_COURSE_COUNT);
    expect(DEMO_COURSE_COUNT).toBeGreaterThanOrEqual(2000);
    expect(demo.courses[0]?.id).toBe('demo-0001');
    expect(demo.courses.at(-1)?.id).toBe(formatDemoCourseId(DEMO_COURSE_COUNT));
    expect(new Set(demo.courses.map((course) => course.id)).size).toBe(DEMO_COURSE_COUNT);
  });

  it('writes only courses the catalog validation accepts, unchanged by it', () => {
    const refused = demo.courses.flatMap((course) => {
      const check = validateCourseRecord(JSON.parse(JSON.stringify(course)));
      return 'errors' in check ? [{ id: course.id, errors: check.errors }] : [];
    });
    expect(refused).toEqual([]);
    const first = demo.courses[0];
    expect(validateCourseRecord(JSON.parse(JSON.stringify(first)))).toEqual({ course: first });
  });

  it('spreads courses over real ROME codes of many domains', () => {
    const codes = new Set(demo.courses.flatMap((course) => course.targetOccupations));
    for (const code of codes) expect(code).toMatch(ROME_CODE);
    const mainCodes = new Set(demo.courses.map((course) => course.targetOccupations[0]));
    expect(mainCodes.size).toBeGreaterThanOrEqual(20);
    expect(new Set([...mainCodes].map((code) => code?.charAt(0))).size).toBeGreaterThanOrEqual(8);
    expect(mainCodes.size).toBe(DEMO_OCCUPATIONS.length);
  });

  it('places courses and job seekers in metropolitan France, in many cities', () => {
    for (const city of DEMO_CITIES) {
      expect(city.communeCode).toMatch(/^(\d{5}|2[AB]\d{3})$/);
      expect(insideMetropolitanFrance(city.point)).toBe(true);
    }
    const located = demo.courses.flatMap((course) => (course.location === null ? [] : [course.location]));
    expect(located.filter((point) => !insideMetropolitanFrance(point))).toEqual([]);
    for (const { input } of demo.jobSeekers) {
      if (input.location !== null) expect(insideMetropolitanFrance(input.location)).toBe(true);
    }
    expect(new Set(demo.courses.map((course) => course.city).filter(Boolean)).size).toBeGreaterThanOrEqual(
      25,
    );
  });

  it('gives no two courses of one region the same title, nor two remote courses', () => {
    const placed = demo.courses.map((course) => ({
      title: course.title,
      where: course.city === null ? 'remote' : findDemoCity(course.city).region,
    }));
    const seen = new Set<string>();
    const repeated = placed.filter(({ title, where }) => {
      const key = `${where}: ${title}`;
      const again = seen.has(key);
      seen.add(key);
      return again;
    });
    expect(repeated).toEqual([]);
  });

  it('mixes modalities, and gives remote-only courses no place', () => {
    const modalities = new Set(demo.courses.map((course) => course.modality));
    expect(modalities).toEqual(new Set(['in_person', 'remote', 'hybrid']));
    for (const course of demo.courses) {
      expect(course.location === null).toBe(course.modality === 'remote');
      expect(course.city === null).toBe(course.modality === 'remote');
    }
  });

  it('plans sessions of active courses one to nine months ahead, on Mondays', () => {
    for (const course of demo.courses.filter((c) => c.active)) {
      const start = course.nextSessionStart;
      expect(start).not.toBeNull();
      const days = daysAfterReference(start ?? '');
      expect(days).toBeGreaterThanOrEqual(28);
      expect(days).toBeLessThanOrEqual(9 * 31);
      expect(new Date(`${start}T00:00:00Z`).getUTCDay()).toBe(1);
    }
  });

  it('holds a few inactive courses, some unknown employment rates and both funding cases', () => {
    const inactive = demo.courses.filter((course) => !course.active);
    expect(inactive.length).toBeGreaterThan(0);
    expect(inactive.length).toBeLessThan(DEMO_COURSE_COUNT * 0.1);
    const unknownRates = demo.courses.filter((course) => course.returnToEmploymentRate === null);
    expect(unknownRates.length).toBeGreaterThan(DEMO_COURSE_COUNT * 0.05);
    expect(unknownRates.length).toBeLessThan(DEMO_COURSE_COUNT * 0.3);
    expect(new Set(demo.courses.map((course) => course.funded))).toEqual(new Set([true, false]));
    expect(new Set(demo.courses.map((course) => course.certifying))).toEqual(new Set([true, false]));
  });

  it('assigns the demo job seekers to the demo counselors, with profiles the API accepts', () => {
    expect(demo.jobSeekers.map((seeker) => seeker.id)).toEqual(DEMO_JOB_SEEKER_IDS);
    expect(DEMO_JOB_SEEKER_IDS).toHaveLength(12);
    expect(new Set(demo.jobSeekers.map((seeker) => seeker.input.counselorId))).toEqual(
      new Set(DEMO_COUNSELOR_IDS),
    );
    for (const { input } of demo.jobSeekers) {
      for (const code of input.targetOccupations) expect(code).toMatch(ROME_CODE);
      expect(input.educationLevel).toBeGreaterThanOrEqual(3);
      expect(input.educationLevel).toBeLessThanOrEqual(8);
      if (input.availableFrom !== null) expect(daysAfterReference(input.availableFrom)).toBeGreaterThan(0);
    }
  });

  it('records no sensitive attribute about a job seeker', () => {
    const profileFields = [
      'availableFrom',
      'counselorId',
      'educationLevel',
      'location',
      'mobilityRadiusKm',
      'monthsUnemployed',
      'remoteOk',
      'skills',
      'targetOccupations',
      'yearsExperience',
    ];
    for (const { input } of demo.jobSeekers) expect(Object.keys(input).sort()).toEqual(profileFields);
  });

  it('offers every demo job seeker active courses in a target occupation within reach', () => {
    for (const { id, input } of demo.jobSeekers) {
      const home =
        input.location ?? findDemoCity(DEMO_JOB_SEEKERS.find((person) => person.id === id)?.city ?? '').point;
      expect(home, id).toBeDefined();
      const reachable = demo.courses.filter(
        (course) =>
          course.active &&
          course.targetOccupations.some((code) => input.targetOccupations.includes(code)) &&
          course.location !== null &&
          home !== undefined &&
          distanceKm(home, course.location) <= input.mobilityRadiusKm,
      );
      expect(reachable.length, id).toBeGreaterThanOrEqual(2);
    }
  });

  it('gives the demo job seekers skills that demo courses teach', () => {
    const taught = new Set(demo.courses.flatMap((course) => course.skills));
    for (const { id, input } of demo.jobSeekers) {
      expect(
        input.skills.filter((skill) => !taught.has(skill)),
        id,
      ).toEqual([]);
    }
  });
});
