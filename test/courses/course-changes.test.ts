import { describe, expect, it } from 'vitest';
import {
  listAvailabilityChanges,
  listRateChanges,
  type ReplacedCourse,
} from '../../src/courses/course-changes.ts';
import { aCourse } from '../support/builders.ts';

/** A replaced course as it was: active, with the builder's session and rate unless told. */
function aReplacedCourse(fields: Partial<ReplacedCourse> = {}): ReplacedCourse {
  const { active, nextSessionStart, returnToEmploymentRate } = aCourse();
  return { active, nextSessionStart, returnToEmploymentRate, ...fields };
}

describe('listRateChanges', () => {
  const imported = [
    { id: 'KEPT', ...aCourse({ returnToEmploymentRate: 0.6 }) },
    { id: 'NEW', ...aCourse({ returnToEmploymentRate: 0.7 }) },
    { id: 'RAISED', ...aCourse({ returnToEmploymentRate: 0.9 }) },
    { id: 'DECLARED', ...aCourse({ returnToEmploymentRate: 0.5 }) },
    { id: 'WITHDRAWN', ...aCourse({ returnToEmploymentRate: null }) },
  ];

  it('lists each replaced course whose rate changed, from and to, in import order, and no new course', () => {
    const replaced = new Map([
      ['WITHDRAWN', aReplacedCourse({ returnToEmploymentRate: 0.4 })],
      ['KEPT', aReplacedCourse({ returnToEmploymentRate: 0.6 })],
      ['RAISED', aReplacedCourse({ returnToEmploymentRate: 0.3 })],
      ['DECLARED', aReplacedCourse({ returnToEmploymentRate: null })],
    ]);
    expect(listRateChanges(imported, replaced)).toEqual([
      { courseId: 'RAISED', from: 0.3, to: 0.9 },
      { courseId: 'DECLARED', from: null, to: 0.5 },
      { courseId: 'WITHDRAWN', from: 0.4, to: null },
    ]);
  });

  it('lists nothing when no course was replaced', () => {
    expect(listRateChanges(imported, new Map())).toEqual([]);
  });
});

describe('listAvailabilityChanges', () => {
  it('lists the withdrawn, the brought back, the sessions cancelled, set and moved, alike ones together', () => {
    const imported = [
      { id: 'OUT', ...aCourse({ active: false }) },
      { id: 'MOVED-A', ...aCourse({ nextSessionStart: '2027-01-18' }) },
      { id: 'BACK', ...aCourse() },
      { id: 'CANCELLED', ...aCourse({ nextSessionStart: null }) },
      { id: 'MOVED-B', ...aCourse({ nextSessionStart: '2027-01-18' }) },
      { id: 'SET', ...aCourse({ nextSessionStart: '2027-05-03' }) },
      { id: 'OUT-TOO', ...aCourse({ active: false }) },
    ];
    const replaced = new Map([
      ['OUT', aReplacedCourse()],
      ['MOVED-A', aReplacedCourse({ nextSessionStart: '2027-01-11' })],
      ['BACK', aReplacedCourse({ active: false })],
      ['CANCELLED', aReplacedCourse()],
      ['MOVED-B', aReplacedCourse({ nextSessionStart: '2027-01-11' })],
      ['SET', aReplacedCourse({ nextSessionStart: null })],
      ['OUT-TOO', aReplacedCourse()],
    ]);
    expect(listAvailabilityChanges(imported, replaced)).toEqual([
      { field: 'active', from: true, to: false, courseIds: ['OUT', 'OUT-TOO'] },
      { field: 'nextSessionStart', from: '2027-01-11', to: '2027-01-18', courseIds: ['MOVED-A', 'MOVED-B'] },
      { field: 'active', from: false, to: true, courseIds: ['BACK'] },
      { field: 'nextSessionStart', from: '2027-01-11', to: null, courseIds: ['CANCELLED'] },
      { field: 'nextSessionStart', from: null, to: '2027-05-03', courseIds: ['SET'] },
    ]);
  });

  it('lists no new course, and no replaced course whose session and status stayed', () => {
    const imported = [
      { id: 'NEW', ...aCourse({ active: false, nextSessionStart: null }) },
      { id: 'RETITLED', ...aCourse({ title: 'Autre', returnToEmploymentRate: 0.2 }) },
    ];
    expect(listAvailabilityChanges(imported, new Map([['RETITLED', aReplacedCourse()]]))).toEqual([]);
  });
});
