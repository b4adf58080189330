import type { Knex } from 'knex';
import type { CourseStore } from '../courses/course-store.ts';
import { ConflictError, problemType } from '../shared/errors.ts';
import type { RecommendationItem } from './recommendation.ts';

/**
 * The ids of the items' courses that the catalog no longer offers: made inactive (by an import or
 * an admin) since they were suggested or added, or gone. One query for all the items.
 */
export async function findWithdrawnCourseIds(
  courses: Pick<CourseStore, 'findActiveIds'>,
  items: readonly RecommendationItem[],
  trx?: Knex.Transaction,
): Promise<ReadonlySet<string>> {
  if (items.length === 0) return new Set();
  const ids = items.map((item) => item.course.id);
  const active = await courses.findActiveIds(ids, trx);
  return new Set(ids.filter((id) => !active.has(id)));
}

/**
 * The refusal to approve or publish items whose course the catalog withdrew: the person would be
 * sent to a course that is no longer offered. Names the courses and what to do instead.
 */
export function refuseWithdrawnCourses(
  action: string,
  items: readonly RecommendationItem[],
  remedy: string,
): ConflictError {
  const names = items.map((item) => `${item.course.id} "${item.course.title}"`).join(', ');
  const sources = new Set(items.map((item) => item.source));
  const when = sources.size > 1 ? 'suggested or added' : sources.has('counselor') ? 'added' : 'suggested';
  const what =
    items.length === 1
      ? `course ${names} was withdrawn from the catalog after being ${when} (it is no longer active)`
      : `courses ${names} were withdrawn from the catalog after being ${when} (they are no longer active)`;
  return new ConflictError(`cannot ${action}: ${what}; ${remedy}`, {
    // Lets clients tell this refusal from the other conflicts of the review.
    ...problemType('course-withdrawn'),
    withdrawnItems: items.map((item) => ({ itemId: item.id, courseId: item.course.id })),
  });
}
