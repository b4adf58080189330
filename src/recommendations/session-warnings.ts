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
 * A closed session as the decision log keeps it beside the act done despite its warning: the item and
 * why its session is closed. The course's sessions against the day owe nothing to the person, so the
 * codes stay in clear, for the auditors to find the courses approved or published knowingly closed.
 */
export interface ClosedSession {
  itemId: string;
  reason: Exclude<Unavailability, { reason: 'withdrawn' }>['reason'];
}

/**
 * The warnings for `items` (the ones being approved or published) whose session is no longer one the
 * person can join, read in the action's transaction on the day in France, and the same closed
 * sessions as the log keeps them. Courses the catalog withdrew are not warned about here: the review
 * refuses to approve or publish them.
 */
export async function warnAboutClosedSessions(
  courses: Pick<CourseStore, 'findOfferedSessions'>,
  items: readonly RecommendationItem[],
  withdrawnCourseIds: ReadonlySet<string>,
  now: Date,
  trx: Knex.Transaction,
): Promise<{ warnings: SessionWarning[]; closedSessions: ClosedSession[] }> {
  const offered = items.filter((item) => !withdrawnCourseIds.has(item.course.id));
  const offers = await findCourseOffers(courses, offered, now, trx);
  const closed = offered.flatMap((item) => {
    const unavailability = offers.get(item.id)?.unavailability ?? null;
    if (unavailability === null || unavailability.reason === 'withdrawn') return [];
    return [{ item, unavailability }];
  });
  return {
    warnings: closed.map(({ item, unavailability }) => ({
      code: 'session_unavailable' as const,
      field: 'courseId' as const,
      itemId: item.id,
      message: `course ${item.course.id} "${item.course.title}" (item ${item.id}): ${describeClosedSession(unavailability)}: the person will read the course as no longer available`,
    })),
    closedSessions: closed.map(({ item, unavailability }) => ({
      itemId: item.id,
      reason: unavailability.reason,
    })),
  };
}

/** Which of the two closed the session, in the counselor's words. */
function describeClosedSession(unavailability: Exclude<Unavailability, { reason: 'withdrawn' }>): string {
  return unavailability.reason === 'session_cancelled'
    ? `the catalog cancelled its session of ${unavailability.session} and plans no other`
    : `its session starts on ${unavailability.session}, today or before (the day in France), too late to join`;
}
