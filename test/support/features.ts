import type { CourseInput } from '../../src/courses/course.ts';
import { buildCourseTable } from '../../src/courses/course-table.ts';
import type { JobSeekerProfile } from '../../src/job-seekers/job-seeker.ts';
import { createFeatureWriter, FEATURE_COUNT } from '../../src/model/features.ts';

/** The feature row of one (person, course) pair, written as the scorer writes every row. */
export function computeFeatures(
  profile: JobSeekerProfile,
  course: CourseInput,
  referenceDate: Date,
): Float32Array {
  const row = new Float32Array(FEATURE_COUNT);
  createFeatureWriter(profile, referenceDate, buildCourseTable([course]))(0, row, 0);
  return row;
}
