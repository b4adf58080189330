import type { Knex } from 'knex';
import type { CourseStore } from '../courses/course-store.ts';
import { findCourseOffers, type Unavailability } from './course-offers.ts';
import type { RecommendationItem } from './recommendation.ts';

/**
 * An approved course the person will read as no longer available: the catalog still offers it, but
 * cancelled the session planned when it was suggested or added, or its session starts today or
 * before (too late to join); the message says which, since the counselor's next step differs (look
 * for a new session, or tell the person the one planned has begun). Not refused: the catalog may plan
 * another session, and the counselor may want the person to see the course all the same; told, so
 * that it is not published unknowingly.
 */
export interface SessionWarning {
  code: 'session_unavailable';
  field: 'courseId';
  itemId: string;
  message: string;
}

/**
 * The warnings for `items` (the ones being approved or published) whose session is no longer one the
 * person can join, read in the action's transaction on the day in France. Courses the catalog
 * withdrew are not warned about here: the review refuses to approve or publish them.
 */
export async function warnAboutClosedSessions(
  courses: Pick<CourseStore, 'findOfferedSessions'>,
  items: readonly RecommendationItem[],
  withdrawnCourseIds: ReadonlySet<string>,
  now: Date,
  trx: Knex.Transaction,
): Promise<SessionWarning[]> {
  const offered = items.filter((item) => !withdrawnCourseIds.has(item.course.id));
  const offers = await findCourseOffers(courses, offered, now, trx);
  return offered.flatMap((item) => {
    const unavailability = offers.get(item.id)?.unavailability ?? null;
    if (unavailability === null || unavailability.reason === 'withdrawn') return [];
    return [
      {
        code: 'session_unavailable' as const,
        field: 'courseId' as const,
        itemId: item.id,
        message: `course ${item.course.id} "${item.course.title}" (item ${item.id}): ${describeClosedSession(unavailability)}: the person will read the course as no longer available`,
      },
    ];
  });
}

/** Which of the two closed the session, in the counselor's words. */
function describeClosedSession(unavailability: Exclude<Unavailability, { reason: 'withdrawn' }>): string {
  return unavailability.reason === 'session_cancelled'
    ? `the catalog cancelled its session of ${unavailability.session} and plans no other`
    : `its session starts on ${unavailability.session}, today or before (the day in France), too late to join`;
}
