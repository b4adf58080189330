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
 * The fields of a course that a write changed, in the catalog's order, with their values before
 * and after. The catalog is public, so the values go to the log in clear: an auditor sees, say, a
 * provider's return-to-employment rate raised just before its course rose in the suggestions.
 */
export function listCourseChanges(before: CourseInput, after: CourseInput): FieldChange[] {
  return COURSE_FIELDS.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field])).map(
    (field) => ({ field, from: before[field], to: after[field] }),
  );
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
  previousRates: ReadonlyMap<string, number | null>,
): RateChange[] {
  return imported.flatMap((course) => {
    const from = previousRates.get(course.id);
    return from === undefined || from === course.returnToEmploymentRate
      ? []
      : [{ courseId: course.id, from, to: course.returnToEmploymentRate }];
  });
}
