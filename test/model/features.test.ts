import { describe, expect, it } from 'vitest';
import { type CourseInput, MODALITIES } from '../../src/courses/course.ts';
import { buildCourseTable } from '../../src/courses/course-table.ts';
import {
  countMonthsUnemployed,
  createFeatureWriter,
  FEATURE_COUNT,
  FEATURE_NAMES,
  FEATURES,
  type FeatureName,
  type FeatureProfile,
  findUnknownPlace,
  IMPUTED_EMPLOYMENT_RATE,
  WEEKS_WHEN_NO_SESSION,
} from '../../src/model/features.ts';
import { aCourse, aJobSeeker } from '../support/builders.ts';
import { computeFeatures } from '../support/features.ts';

const LYON = { lat: 45.764, lon: 4.8357 };
const VILLEURBANNE = { lat: 45.7719, lon: 4.8902 };
const PARIS = { lat: 48.8566, lon: 2.3522 };
const REFERENCE = new Date('2027-01-04T09:30:00Z');

function featureOf(
  name: FeatureName,
  person: Partial<FeatureProfile> = {},
  course: Partial<CourseInput> = {},
  referenceDate = REFERENCE,
): number {
  const row = computeFeatures(aJobSeeker({ availableFrom: null, ...person }), aCourse(course), referenceDate);
  const value = row[FEATURE_NAMES.indexOf(name)];
  if (value === undefined) {
    throw new Error(`no column ${name}`);
  }
  return value;
}

describe('the feature list', () => {
  it('keeps the documented order, which is the column order of the model', () => {
    expect(FEATURE_NAMES).toEqual([
      'occupationMatch',
      'skillsCoverage',
      'distanceKm',
      'withinMobility',
      'remoteAccessible',
      'levelGap',
      'prerequisiteMet',
      'durationHours',
      'weeksToStart',
      'funded',
      'certifying',
      'employmentRate',
      'employmentRateMissing',
      'monthsUnemployed',
      'yearsExperience',
    ]);
    expect(FEATURE_COUNT).toBe(15);
  });

  it('holds no sensitive attribute', () => {
    const sensitive = [
      'age',
      'sex',
      'gender',
      'nationality',
      'disability',
      'handicap',
      'health',
      'family',
      'birth',
    ];
    const words = FEATURE_NAMES.flatMap((name) => name.split(/(?=[A-Z])/).map((word) => word.toLowerCase()));
    expect(words.filter((word) => sensitive.includes(word))).toEqual([]);
  });
});

describe('occupationMatch', () => {
  it('is 2 when the course leads to one of the target occupations', () => {
    expect(
      featureOf(
        'occupationMatch',
        { targetOccupations: ['M1805', 'J1501'] },
        { targetOccupations: ['J1501'] },
      ),
    ).toBe(2);
  });

  it('is 1 when the course only shares the domain (first three characters)', () => {
    expect(
      featureOf('occupationMatch', { targetOccupations: ['M1805'] }, { targetOccupations: ['M1810'] }),
    ).toBe(1);
  });

  it('is 0 when nothing is shared', () => {
    expect(
      featureOf('occupationMatch', { targetOccupations: ['M1805'] }, { targetOccupations: ['J1501'] }),
    ).toBe(0);
  });

  it('is 0 when the person has no target occupation', () => {
    expect(featureOf('occupationMatch', { targetOccupations: [] }, { targetOccupations: ['J1501'] })).toBe(0);
  });
});

describe('skillsCoverage', () => {
  it("is the share of the course's skills the person already holds", () => {
    expect(featureOf('skillsCoverage', { skills: ['a', 'b', 'z'] }, { skills: ['a', 'b', 'c', 'd'] })).toBe(
      0.5,
    );
  });

  it('counts a skill listed twice by the course once', () => {
    expect(featureOf('skillsCoverage', { skills: ['a'] }, { skills: ['a', 'a', 'b'] })).toBe(0.5);
  });

  it('is 0 when the course lists no skill', () => {
    expect(featureOf('skillsCoverage', { skills: ['a'] }, { skills: [] })).toBe(0);
  });
});

describe('distanceKm', () => {
  it('is the great-circle distance from home to the course', () => {
    expect(featureOf('distanceKm', { location: LYON }, { location: PARIS })).toBeCloseTo(391.5, 0);
  });

  it('gives remote courses a distance of zero', () => {
    expect(featureOf('distanceKm', { location: LYON }, { modality: 'remote', location: null })).toBe(0);
  });

  it("falls back to the person's mobility radius when the person has no coordinates", () => {
    expect(featureOf('distanceKm', { location: null, mobilityRadiusKm: 25 }, { location: PARIS })).toBe(25);
  });

  it("falls back to the person's mobility radius when an in-person course has no coordinates", () => {
    expect(featureOf('distanceKm', { location: LYON, mobilityRadiusKm: 40 }, { location: null })).toBe(40);
  });

  it('is the mobility radius exactly when the home or an in-person or hybrid course’s place is unknown, which findUnknownPlace names', () => {
    const radius = 37;
    for (const home of [LYON, null]) {
      for (const modality of MODALITIES) {
        for (const place of [PARIS, null]) {
          const person = { location: home, mobilityRadiusKm: radius };
          const course = { modality, location: place };
          const unknownPlace = findUnknownPlace(person, course);
          expect(unknownPlace).toBe(
            modality === 'remote' ? null : home === null ? 'home' : place === null ? 'course' : null,
          );
          expect(featureOf('distanceKm', person, course) === radius).toBe(unknownPlace !== null);
        }
      }
    }
  });

  it('measures hybrid courses like in-person ones, since they need some presence', () => {
    expect(featureOf('distanceKm', { location: LYON }, { modality: 'hybrid', location: PARIS })).toBeCloseTo(
      391.5,
      0,
    );
  });
});

describe('withinMobility', () => {
  it('is 1 when the course lies within the mobility radius', () => {
    expect(
      featureOf('withinMobility', { location: LYON, mobilityRadiusKm: 10 }, { location: VILLEURBANNE }),
    ).toBe(1);
  });

  it('is 0 beyond the mobility radius', () => {
    expect(featureOf('withinMobility', { location: LYON, mobilityRadiusKm: 50 }, { location: PARIS })).toBe(
      0,
    );
  });

  it('is 1 for a remote course', () => {
    expect(featureOf('withinMobility', { mobilityRadiusKm: 0 }, { modality: 'remote', location: null })).toBe(
      1,
    );
  });

  it('is 1 when coordinates are missing, since the fallback distance equals the radius', () => {
    expect(featureOf('withinMobility', { location: null }, { location: PARIS })).toBe(1);
  });
});

describe('remoteAccessible', () => {
  it('is 1 for a remote course when the person accepts remote learning', () => {
    expect(featureOf('remoteAccessible', { remoteOk: true }, { modality: 'remote', location: null })).toBe(1);
  });

  it('is 1 for a hybrid course when the person accepts remote learning', () => {
    expect(featureOf('remoteAccessible', { remoteOk: true }, { modality: 'hybrid' })).toBe(1);
  });

  it('is 0 when the person does not accept remote learning', () => {
    expect(featureOf('remoteAccessible', { remoteOk: false }, { modality: 'remote', location: null })).toBe(
      0,
    );
  });

  it('is 0 for an in-person course', () => {
    expect(featureOf('remoteAccessible', { remoteOk: true }, { modality: 'in_person' })).toBe(0);
  });
});

describe('levelGap', () => {
  it("is the course's exit level minus the person's level", () => {
    expect(featureOf('levelGap', { educationLevel: 3 }, { exitLevel: 5 })).toBe(2);
  });

  it('is negative when the person is already above the exit level', () => {
    expect(featureOf('levelGap', { educationLevel: 7 }, { exitLevel: 4 })).toBe(-3);
  });
});

describe('prerequisiteMet', () => {
  it('is 1 when the person reaches the entry level exactly', () => {
    expect(featureOf('prerequisiteMet', { educationLevel: 4 }, { prerequisiteLevel: 4 })).toBe(1);
  });

  it('is 0 below the entry level', () => {
    expect(featureOf('prerequisiteMet', { educationLevel: 3 }, { prerequisiteLevel: 5 })).toBe(0);
  });
});

describe('durationHours', () => {
  it('is the course duration in hours', () => {
    expect(featureOf('durationHours', {}, { durationHours: 399 })).toBe(399);
  });
});

describe('weeksToStart', () => {
  it('counts whole days from the reference date when the person is available now', () => {
    expect(featureOf('weeksToStart', { availableFrom: null }, { nextSessionStart: '2027-02-01' })).toBe(4);
  });

  it('counts from the availability date when it is later than the reference date', () => {
    expect(
      featureOf('weeksToStart', { availableFrom: '2027-01-18' }, { nextSessionStart: '2027-02-01' }),
    ).toBe(2);
  });

  it('counts from the day in France, already the next one just after midnight there', () => {
    // 23:30 UTC on Sunday 3 January 2027 is 00:30 on Monday 4 January in Paris (CET, UTC+1).
    const justAfterMidnightInParis = new Date('2027-01-03T23:30:00Z');
    expect(
      featureOf(
        'weeksToStart',
        { availableFrom: null },
        { nextSessionStart: '2027-02-01' },
        justAfterMidnightInParis,
      ),
    ).toBe(4);
  });

  it('ignores an availability date already past', () => {
    expect(
      featureOf('weeksToStart', { availableFrom: '2026-06-01' }, { nextSessionStart: '2027-01-18' }),
    ).toBe(2);
  });

  it('is negative when the session starts before the person is available', () => {
    expect(
      featureOf('weeksToStart', { availableFrom: '2027-02-15' }, { nextSessionStart: '2027-02-01' }),
    ).toBe(-2);
  });

  it('uses the documented fallback when no session is planned', () => {
    expect(featureOf('weeksToStart', {}, { nextSessionStart: null })).toBe(WEEKS_WHEN_NO_SESSION);
  });
});

describe('funded and certifying', () => {
  it('are 1 when true and 0 when false', () => {
    expect(featureOf('funded', {}, { funded: true })).toBe(1);
    expect(featureOf('funded', {}, { funded: false })).toBe(0);
    expect(featureOf('certifying', {}, { certifying: true })).toBe(1);
    expect(featureOf('certifying', {}, { certifying: false })).toBe(0);
  });
});

describe('employmentRate and employmentRateMissing', () => {
  it('carry a known rate with the missing flag down', () => {
    expect(featureOf('employmentRate', {}, { returnToEmploymentRate: 0.72 })).toBeCloseTo(0.72, 6);
    expect(featureOf('employmentRateMissing', {}, { returnToEmploymentRate: 0.72 })).toBe(0);
  });

  it('impute an unknown rate and raise the missing flag', () => {
    expect(featureOf('employmentRate', {}, { returnToEmploymentRate: null })).toBe(IMPUTED_EMPLOYMENT_RATE);
    expect(featureOf('employmentRateMissing', {}, { returnToEmploymentRate: null })).toBe(1);
  });

  it('keep a rate of zero as a known rate', () => {
    expect(featureOf('employmentRate', {}, { returnToEmploymentRate: 0 })).toBe(0);
    expect(featureOf('employmentRateMissing', {}, { returnToEmploymentRate: 0 })).toBe(0);
  });
});

describe('monthsUnemployed and yearsExperience', () => {
  it("copy the person's figures", () => {
    expect(featureOf('monthsUnemployed', { monthsUnemployed: 14 })).toBe(14);
    expect(featureOf('yearsExperience', { yearsExperience: 9 })).toBe(9);
  });

  it('count months unemployed on from the last sync: a profile synced three years ago with 2 months is at 38', () => {
    const syncedLongAgo = { monthsUnemployed: 2, updatedAt: '2024-01-04T08:00:00.000Z' };
    expect(featureOf('monthsUnemployed', syncedLongAgo)).toBe(38);
    expect(countMonthsUnemployed(syncedLongAgo, REFERENCE)).toEqual({ months: 38, synced: 2, elapsed: 36 });
  });

  it('count only whole months since the sync', () => {
    expect(
      featureOf('monthsUnemployed', { monthsUnemployed: 5, updatedAt: '2026-12-05T00:00:00.000Z' }),
    ).toBe(5);
    expect(
      featureOf('monthsUnemployed', { monthsUnemployed: 5, updatedAt: '2026-12-04T00:00:00.000Z' }),
    ).toBe(6);
    expect(
      featureOf('monthsUnemployed', { monthsUnemployed: 5, updatedAt: '2026-11-30T00:00:00.000Z' }),
    ).toBe(6);
  });

  it('count whole months on the days in France, not the UTC days', () => {
    // Synced on 1 February at noon; read on 1 March at 00:30 in Paris (28 February 23:30 UTC).
    const syncedFebruary1 = { monthsUnemployed: 5, updatedAt: '2027-02-01T11:00:00.000Z' };
    expect(countMonthsUnemployed(syncedFebruary1, new Date('2027-02-28T23:30:00Z')).elapsed).toBe(1);
    // Synced on 1 February at 00:30 in Paris (31 January 23:30 UTC); read on 31 March: one month, not two.
    const syncedJustAfterMidnight = { monthsUnemployed: 5, updatedAt: '2027-01-31T23:30:00.000Z' };
    expect(countMonthsUnemployed(syncedJustAfterMidnight, new Date('2027-03-31T10:00:00Z')).elapsed).toBe(1);
  });

  it('take a profile synced on the reference day, or after it, as it is', () => {
    expect(featureOf('monthsUnemployed', { monthsUnemployed: 5, updatedAt: REFERENCE.toISOString() })).toBe(
      5,
    );
    expect(
      featureOf('monthsUnemployed', { monthsUnemployed: 5, updatedAt: '2027-03-01T00:00:00.000Z' }),
    ).toBe(5);
  });

  it('leave years of experience as synced (the integration keeps them current)', () => {
    expect(featureOf('yearsExperience', { yearsExperience: 9, updatedAt: '2024-01-04T08:00:00.000Z' })).toBe(
      9,
    );
  });
});

describe('the feature writer', () => {
  it('writes one row at an offset without touching its neighbours', () => {
    const matrix = new Float32Array(3 * FEATURE_COUNT).fill(-7);
    const writeRow = createFeatureWriter(
      aJobSeeker(),
      REFERENCE,
      buildCourseTable([aCourse({ skills: [] }), aCourse()]),
    );
    writeRow(1, matrix, FEATURE_COUNT);
    expect(matrix.subarray(0, FEATURE_COUNT).every((value) => value === -7)).toBe(true);
    expect(matrix.subarray(2 * FEATURE_COUNT).every((value) => value === -7)).toBe(true);
    expect(Array.from(matrix.subarray(FEATURE_COUNT, 2 * FEATURE_COUNT))).toEqual(
      Array.from(computeFeatures(aJobSeeker(), aCourse(), REFERENCE)),
    );
  });
});

describe('the phrases of a feature whose values below zero mean something else', () => {
  it('are never told positively below zero, for every such feature', () => {
    const split = FEATURES.filter((feature) => 'splitBelowZero' in feature);
    expect(split.length).toBeGreaterThan(0);
    for (const feature of split) {
      const positive = 'phrasesTrueOf' in feature ? feature.phrasesTrueOf.positive : undefined;
      expect(positive, feature.name).toBeDefined();
      for (const value of [-0.5, -1, -10])
        expect(positive?.(value), `${feature.name} at ${value}`).toBe(false);
    }
  });
});
