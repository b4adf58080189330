import { describe, expect, it } from 'vitest';
import { listRateChanges } from '../../src/courses/course-changes.ts';
import { aCourse } from '../support/builders.ts';

describe('listRateChanges', () => {
  const imported = [
    { id: 'KEPT', ...aCourse({ returnToEmploymentRate: 0.6 }) },
    { id: 'NEW', ...aCourse({ returnToEmploymentRate: 0.7 }) },
    { id: 'RAISED', ...aCourse({ returnToEmploymentRate: 0.9 }) },
    { id: 'DECLARED', ...aCourse({ returnToEmploymentRate: 0.5 }) },
    { id: 'WITHDRAWN', ...aCourse({ returnToEmploymentRate: null }) },
  ];

  it('lists each replaced course whose rate changed, from and to, in import order, and no new course', () => {
    const previousRates = new Map<string, number | null>([
      ['WITHDRAWN', 0.4],
      ['KEPT', 0.6],
      ['RAISED', 0.3],
      ['DECLARED', null],
    ]);
    expect(listRateChanges(imported, previousRates)).toEqual([
      { courseId: 'RAISED', from: 0.3, to: 0.9 },
      { courseId: 'DECLARED', from: null, to: 0.5 },
      { courseId: 'WITHDRAWN', from: 0.4, to: null },
    ]);
  });

  it('lists nothing when no course was replaced', () => {
    expect(listRateChanges(imported, new Map())).toEqual([]);
  });
});
