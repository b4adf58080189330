import { describe, expect, it } from 'vitest';
import { planRadiusFilter } from '../../src/courses/radius-filter.ts';
import { validateCourseRecord } from '../../src/courses/validate-course-record.ts';
import { aCourse } from '../support/builders.ts';

describe('validateCourseRecord', () => {
  it('accepts a valid record and returns it typed', () => {
    const record = { id: 'FOR-0001', ...aCourse() };
    expect(validateCourseRecord(record)).toEqual({ course: record });
  });

  it('lists every broken rule with the path of its field', () => {
    const check = validateCourseRecord({
      ...aCourse(),
      id: 'FOR 1',
      targetOccupations: ['J1501', 'O1234', 7],
      skills: ['soins', 'soins'],
      location: { lat: 'north', lon: 4, alt: 3 },
      nextSessionStart: '2027-13-01',
      returnToEmploymentRate: -0.1,
      durationHours: 0,
      title: undefined,
    });
    expect(check).toEqual({
      errors: [
        { field: 'id', reason: expect.stringMatching(/^must be 1 to 64 letters/) },
        { field: 'title', reason: 'is required' },
        { field: 'targetOccupations[1]', reason: 'must be a ROME code (a letter A to N, then 4 digits)' },
        { field: 'targetOccupations[2]', reason: 'must be a string' },
        { field: 'skills', reason: 'must not repeat an item' },
        { field: 'durationHours', reason: 'must be more than 0 and at most 5000' },
        { field: 'location.alt', reason: 'is not a known field' },
        { field: 'location.lat', reason: 'must be a number' },
        { field: 'nextSessionStart', reason: 'must be a date as YYYY-MM-DD' },
        { field: 'returnToEmploymentRate', reason: 'must be a number from 0 to 1' },
      ],
    });
  });

  it('refuses an in-person or hybrid course without a location, and accepts a remote one', () => {
    const heldSomewhere = expect.stringMatching(/^is required for an in_person or hybrid course: /);
    for (const modality of ['in_person', 'hybrid'] as const) {
      expect(validateCourseRecord({ id: 'A', ...aCourse({ modality, location: null }) })).toEqual({
        errors: [{ field: 'location', reason: heldSomewhere }],
      });
    }
    expect(
      validateCourseRecord({ id: 'A', ...aCourse({ modality: 'remote', location: null, city: null }) }),
    ).toHaveProperty('course');
  });

  it('says what a missing location needs, by the modality', () => {
    const without = (modality: unknown) => {
      const { location: _, ...rest } = { id: 'A', ...aCourse(), modality };
      const check = validateCourseRecord(rest);
      return 'errors' in check
        ? check.errors.find((problem) => problem.field === 'location')?.reason
        : undefined;
    };
    expect(without('remote')).toBe('is required: null for a remote-only course');
    expect(without('in_person')).toMatch(/^is required for an in_person or hybrid course: /);
    expect(without('boat')).toBe(
      'is required: {lat, lon} where the sessions are held, or null for a remote-only course',
    );
  });

  it('refuses what is not an object', () => {
    for (const value of [null, [], 'course', 42]) {
      expect(validateCourseRecord(value)).toEqual({
        errors: [{ field: '(line)', reason: 'must be a JSON object' }],
      });
    }
  });

  it('counts lengths in characters, as JSON Schema does', () => {
    expect(validateCourseRecord({ id: 'A', ...aCourse({ city: '😀'.repeat(120) }) })).toHaveProperty(
      'course',
    );
    expect(validateCourseRecord({ id: 'A', ...aCourse({ city: '😀'.repeat(121) }) })).toHaveProperty(
      'errors',
    );
  });

  it('knows leap years', () => {
    const on = (date: string) => validateCourseRecord({ id: 'A', ...aCourse({ nextSessionStart: date }) });
    expect(on('2028-02-29')).toHaveProperty('course');
    expect(on('2000-02-29')).toHaveProperty('course');
    expect(on('2100-02-29')).toHaveProperty('errors');
    expect(on('2027-04-31')).toHaveProperty('errors');
  });
});

describe('planRadiusFilter', () => {
  it('scans one longitude window away from the antimeridian', () => {
    const filter = planRadiusFilter({ lat: 45.764, lon: 4.8357 }, 100);
    expect(filter.windows).toHaveLength(1);
    expect(filter.maxLat - filter.minLat).toBeCloseTo((2 * 100) / 111.195, 2);
  });

  it('splits the window across the antimeridian, measuring from the shifted centre', () => {
    const filter = planRadiusFilter({ lat: -18.14, lon: 178.44 }, 400);
    expect(filter.windows).toEqual([
      { minLon: expect.any(Number), maxLon: 180, originLon: 178.44 },
      { minLon: -180, maxLon: expect.any(Number), originLon: 178.44 - 360 },
    ]);
  });

  it('scans every longitude when the circle holds a pole', () => {
    const filter = planRadiusFilter({ lat: 88, lon: 10 }, 500);
    expect(filter.maxLat).toBe(90);
    const covered = filter.windows.map((w) => w.maxLon - w.minLon).reduce((a, b) => a + b, 0);
    expect(covered).toBeCloseTo(360, 6);
  });
});
