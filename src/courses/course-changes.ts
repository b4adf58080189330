import type { CourseInput } from './course.ts';
import { COURSE_RECORD_FIELDS } from './validate-course-record.ts';

/** A field a write changed, with its value before and after. */
export interface FieldChange {
  from: unknown;
  to: unknown;
}

/** The fields of a course, its id left out (a write names its course by id). */
const COURSE_FIELDS = COURSE_RECORD_FIELDS.filter(
  (field): field is Exclude<(typeof COURSE_RECORD_FIELDS)[number], 'id'> => field !== 'id',
);

/**
 * The fields of a course that a write changed, by name, with their values before and after. The
 * catalog is public, so the values go to the log in clear: an auditor sees, say, a provider's
 * return-to-employment rate raised just before its course rose in the suggestions.
 */
export function listCourseChanges(before: CourseInput, after: CourseInput): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  for (const field of COURSE_FIELDS) {
    const from = before[field];
    const to = after[field];
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from, to };
  }
  return changes;
}
