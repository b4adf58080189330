import { describe, expect, it } from 'vitest';
import type { Course } from '../../src/courses/course.ts';
import { warnAboutAddition } from '../../src/recommendations/addition-warnings.ts';
import { aCourse, aJobSeeker } from '../support/builders.ts';

const NOW = new Date('2026-12-01T09:00:00Z');
const LYON = { lat: 45.764, lon: 4.8357 };
const GRENOBLE = { lat: 45.1885, lon: 5.7245 };

function aCatalogCourse(overrides: Partial<Course> = {}): Course {
  return { ...aCourse({ location: LYON }), id: 'C-1', updatedAt: NOW.toISOString(), ...overrides };
}

const codesOf = (course: Course, seeker = aJobSeeker({ location: LYON, mobilityRadiusKm: 30 })) =>
  warnAboutAddition(course, seeker, NOW).map((warning) => warning.code);

describe('warnings about a course added by hand', () => {
  it('says nothing of a course the person can join', () => {
    expect(codesOf(aCatalogCourse({ nextSessionStart: '2026-12-02', prerequisiteLevel: 3 }))).toEqual([]);
  });

  it('warns about a course whose next session is not ahead any more', () => {
    expect(codesOf(aCatalogCourse({ nextSessionStart: '2026-11-15' }))).toEqual(['session_passed']);
    expect(codesOf(aCatalogCourse({ nextSessionStart: '2026-12-01' }))).toEqual(['session_passed']);
  });

  it("warns about a course asking for a level above the person's", () => {
    const [warning] = warnAboutAddition(
      aCatalogCourse({ prerequisiteLevel: 5 }),
      aJobSeeker({ educationLevel: 3 }),
      NOW,
    );
    expect(warning).toEqual({
      code: 'prerequisite_above_level',
      field: 'courseId',
      message: "it asks for level 5 to enter, above the person's level 3",
    });
  });

  it('warns about a course held beyond the mobility radius that the person cannot follow remotely', () => {
    const inGrenoble = aCatalogCourse({ location: GRENOBLE, city: 'Grenoble' });
    const [warning] = warnAboutAddition(
      inGrenoble,
      aJobSeeker({ location: LYON, mobilityRadiusKm: 30 }),
      NOW,
    );
    expect(warning?.code).toBe('beyond_mobility_radius');
    expect(warning?.message).toMatch(/about 9\d km from the person, beyond their mobility radius of 30 km/);
    // Hybrid, for someone who accepts remote learning: within reach.
    const hybrid = { ...inGrenoble, modality: 'hybrid' as const };
    expect(codesOf(hybrid, aJobSeeker({ location: LYON, mobilityRadiusKm: 30, remoteOk: true }))).toEqual([]);
    // In person stays out of reach, remote learning accepted or not.
    expect(codesOf(inGrenoble, aJobSeeker({ location: LYON, mobilityRadiusKm: 30, remoteOk: true }))).toEqual(
      ['beyond_mobility_radius'],
    );
  });

  it('leaves distance aside for a course followed from home by a person who accepts it', () => {
    const remote = aCatalogCourse({ modality: 'remote', location: null, city: null });
    expect(codesOf(remote, aJobSeeker({ location: null, remoteOk: true }))).toEqual([]);
  });

  it('warns, as the suggestions leave them out, about a remote-only course for a person who does not accept remote learning, and about a place not known', () => {
    const remote = aCatalogCourse({ modality: 'remote', location: null, city: null });
    expect(codesOf(remote, aJobSeeker({ location: LYON, remoteOk: false }))).toEqual(['remote_not_accepted']);
    const [unknownHome] = warnAboutAddition(aCatalogCourse(), aJobSeeker({ location: null }), NOW);
    expect(unknownHome).toMatchObject({
      code: 'place_unknown',
      message: expect.stringMatching(/^the person's home/),
    });
  });

  it('warns about a course with no session planned', () => {
    expect(codesOf(aCatalogCourse({ nextSessionStart: null }))).toEqual(['no_session_planned']);
  });

  it('takes a session date broken by hand for none, as the suggestions do, rather than failing', () => {
    expect(codesOf(aCatalogCourse({ nextSessionStart: 'soon' }))).toEqual(['no_session_planned']);
  });
});
