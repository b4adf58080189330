import type { CourseInput, CourseRecord } from './course.ts';
import { COURSE_RECORD_FIELDS } from './validate-course-record.ts';

/** A field a write changed, with its value before and after (as `settings.changed` lists its own). */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** The fields of a course, its id left out (a write names its course by id). */
const COURSE_FIELDS = COURSE_RECORD_FIELDS.filter(
  (field): field is Exclude<(typeof COURSE_RECORD_FIELDS)[number], 'id'> => field !== 'id',
);

/**
 * The fields that decide whether a course is offered at all, in the catalog's order: the candidates
 * are the active courses with a session ahead, and a published item reads "no longer available" once
 * its course is inactive or its session cancelled or started. (The prerequisite, modality and place
 * only decide for whom a course is reachable.)
 */
export const AVAILABILITY_FIELDS = ['nextSessionStart', 'active'] as const;

/** What an import compares of each course it replaced, as the course was before. */
export type ReplacedCourse = Pick<
  CourseRecord,
  (typeof AVAILABILITY_FIELDS)[number] | 'returnToEmploymentRate'
>;

/**
 * The fields of a course that a write changed, in the catalog's order, with their values before
 * and after. The catalog is public, so the values go to the log in clear: an auditor sees, say, a
 * provider's return-to-employment rate raised just before its course rose in the suggestions.
 */
export function listCourseChanges(before: CourseInput, after: CourseInput): FieldChange[] {
  return compareFields(before, after, COURSE_FIELDS);
}

function compareFields<F extends keyof CourseInput>(
  before: Pick<CourseInput, F>,
  after: Pick<CourseInput, F>,
  fields: readonly F[],
): FieldChange[] {
  return fields
    .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
    .map((field) => ({ field, from: before[field], to: after[field] }));
}

/**
 * A course's return-to-employment rate changed by an import: the model's strongest feature, which
 * a training provider declares, so the log keeps each change.
 */
export interface RateChange {
  courseId: string;
  from: number | null;
  to: number | null;
}

/** The imported courses that replaced one with another return-to-employment rate, in import order. */
export function listRateChanges(
  imported: readonly CourseRecord[],
  replaced: ReadonlyMap<string, Pick<ReplacedCourse, 'returnToEmploymentRate'>>,
): RateChange[] {
  return imported.flatMap((course) => {
    const from = replaced.get(course.id)?.returnToEmploymentRate;
    return from === undefined || from === course.returnToEmploymentRate
      ? []
      : [{ courseId: course.id, from, to: course.returnToEmploymentRate }];
  });
}

/** One change of a field deciding availability, and the courses an import changed so. */
export interface AvailabilityChange extends FieldChange {
  courseIds: string[];
}

/**
 * The changes an import made to the fields that decide whether a course is offered
 * ({@link AVAILABILITY_FIELDS}), on the courses it replaced, as `{field, from, to}` with the ids of
 * the courses changed alike: a course withdrawn or brought back, a session cancelled, set or moved.
 * Grouped so that a catalog moving every session by a week logs each distinct move once, not ten
 * thousand times. Changes and ids in import order; new courses are not listed.
 */
export function listAvailabilityChanges(
  imported: readonly CourseRecord[],
  replaced: ReadonlyMap<string, Pick<ReplacedCourse, (typeof AVAILABILITY_FIELDS)[number]>>,
): AvailabilityChange[] {
  const changes = new Map<string, AvailabilityChange>();
  for (const course of imported) {
    const before = replaced.get(course.id);
    if (before === undefined) continue;
    for (const { field, from, to } of compareFields(before, course, AVAILABILITY_FIELDS)) {
      const key = JSON.stringify([field, from, to]);
      const change = changes.get(key);
      if (change === undefined) changes.set(key, { field, from, to, courseIds: [course.id] });
      else change.courseIds.push(course.id);
    }
  }
  return [...changes.values()];
}
