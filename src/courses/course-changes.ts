import type { CourseInput } from './course.ts';

/** A field a write changed, with its value before and after. */
export interface FieldChange {
  from: unknown;
  to: unknown;
}

const COURSE_FIELDS: ReadonlyArray<keyof CourseInput> = [
  'title',
  'provider',
  'targetOccupations',
  'skills',
  'exitLevel',
  'prerequisiteLevel',
  'durationHours',
  'modality',
  'location',
  'city',
  'nextSessionStart',
  'funded',
  'certifying',
  'returnToEmploymentRate',
  'active',
];

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
