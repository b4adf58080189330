import type { CourseInput } from '../../src/courses/course.ts';
import { buildCourseTable } from '../../src/courses/course-table.ts';
import { createFeatureWriter, FEATURE_COUNT, type FeatureProfile } from '../../src/model/features.ts';

/** The feature row of one (person, course) pair, written as the scorer writes every row. */
export function computeFeatures(
  profile: FeatureProfile,
  course: CourseInput,
  referenceDate: Date,
): Float32Array {
  const row = new Float32Array(FEATURE_COUNT);
  createFeatureWriter(profile, referenceDate, buildCourseTable([course]))(0, row, 0);
  return row;
}
