import type { Knex } from 'knex';
import { hasReadableSession } from '../courses/catalog-snapshot.ts';
import type { CourseStore } from '../courses/course-store.ts';
import { ConflictError, problemType } from '../shared/errors.ts';
import { parisDayNumberOf } from '../shared/french-day.ts';
import { parseIsoDay } from '../shared/iso-day.ts';
import type { CourseSnapshot, RecommendationItem } from './recommendation.ts';

/**
 * The ids of the items' courses that the catalog no longer offers: made inactive (by an import or
 * an admin) since they were suggested or added, or gone. One query for all the items.
 */
export async function findWithdrawnCourseIds(
  courses: Pick<CourseStore, 'findOfferedSessions'>,
  items: readonly RecommendationItem[],
  trx?: Knex.Transaction,
): Promise<ReadonlySet<string>> {
  return listWithdrawnCourseIds(items, await readOfferedSessions(courses, items, trx));
}

/**
 * Why a person can no longer go to a course: the catalog withdrew it, cancelled the session planned
 * when it was suggested or added (`session`: that one, still ahead) and plans none now, or holds
 * only a session starting today or before, or none in place of one kept starting today or before
 * (`session`: that one, too late to join).
 */
export type Unavailability =
  | { reason: 'withdrawn' }
  | { reason: 'session_cancelled'; session: string }
  | { reason: 'session_started'; session: string };

/** A course published to a person, as the catalog offers it to them now. */
export interface CourseOffer {
  /**
   * Whether the person can still go to it: the catalog still offers it, and neither cancelled the
   * session planned when it was suggested or added nor holds only a session starting today or before.
   */
  available: boolean;
  /**
   * The start of its next session as the catalog plans it now, while it is available (null when
   * none is planned); it differs from the snapshot's when the catalog moved the session.
   */
  nextSessionStart: string | null;
  /** Why it is not available (null while it is), for the counselor's warnings. */
  unavailability: Unavailability | null;
}

/**
 * How the catalog offers the items' courses now, by item id, compared with the course as each item
 * keeps it, on the day `now` falls on in France: the one rule by which the person's portal and the
 * counselor's view of a set say whether a course is still available. One query for all the items.
 */
export async function findCourseOffers(
  courses: Pick<CourseStore, 'findOfferedSessions'>,
  items: readonly RecommendationItem[],
  now: Date,
  trx?: Knex.Transaction,
): Promise<ReadonlyMap<string, CourseOffer>> {
  return judgeCourseOffers(items, await readOfferedSessions(courses, items, trx), now);
}

/**
 * Both of the above from the one query: the ids of the items' courses the catalog withdrew, and
 * each item's offer to the person.
 */
export async function findCoursesAsOffered(
  courses: Pick<CourseStore, 'findOfferedSessions'>,
  items: readonly RecommendationItem[],
  now: Date,
  trx?: Knex.Transaction,
): Promise<{ withdrawnCourseIds: ReadonlySet<string>; offers: ReadonlyMap<string, CourseOffer> }> {
  const sessions = await readOfferedSessions(courses, items, trx);
  return {
    withdrawnCourseIds: listWithdrawnCourseIds(items, sessions),
    offers: judgeCourseOffers(items, sessions, now),
  };
}

/** The next session the catalog plans for each of the items' courses it still offers, by course id. */
async function readOfferedSessions(
  courses: Pick<CourseStore, 'findOfferedSessions'>,
  items: readonly RecommendationItem[],
  trx: Knex.Transaction | undefined,
): Promise<ReadonlyMap<string, string | null>> {
  if (items.length === 0) return new Map();
  return courses.findOfferedSessions(
    items.map((item) => item.course.id),
    trx,
  );
}

function listWithdrawnCourseIds(
  items: readonly RecommendationItem[],
  sessions: ReadonlyMap<string, string | null>,
): ReadonlySet<string> {
  return new Set(items.map((item) => item.course.id).filter((id) => !sessions.has(id)));
}

function judgeCourseOffers(
  items: readonly RecommendationItem[],
  sessions: ReadonlyMap<string, string | null>,
  now: Date,
): ReadonlyMap<string, CourseOffer> {
  const today = parisDayNumberOf(now);
  return new Map(
    items.map((item) => [item.id, judgeCourseOffer(item.course, sessions.get(item.course.id), today)]),
  );
}

/**
 * The offer of a course kept as `kept`, the catalog planning its next session on `session` now
 * (undefined: the catalog no longer offers it). A date broken by hand counts as none, as for the
 * suggestions. A course kept without a session planned loses none: it stays available.
 */
function judgeCourseOffer(
  kept: CourseSnapshot,
  session: string | null | undefined,
  today: number,
): CourseOffer {
  const gone = (unavailability: Unavailability): CourseOffer => ({
    available: false,
    nextSessionStart: null,
    unavailability,
  });
  if (session === undefined) return gone({ reason: 'withdrawn' });
  if (session === null || !hasReadableSession({ nextSessionStart: session })) {
    if (kept.nextSessionStart === null)
      return { available: true, nextSessionStart: null, unavailability: null };
    // Catalogs clear a session's date once it began: a kept one today or before has started, and
    // only one still ahead was cancelled.
    return hasReadableSession(kept) && parseIsoDay(kept.nextSessionStart) <= today
      ? gone({ reason: 'session_started', session: kept.nextSessionStart })
      : gone({ reason: 'session_cancelled', session: kept.nextSessionStart });
  }
  // A session starting today is too late to join, as a counselor adding it is warned
  // (`session_passed`) and the suggestions leave it out: only one after today is still open.
  return parseIsoDay(session) <= today
    ? gone({ reason: 'session_started', session })
    : { available: true, nextSessionStart: session, unavailability: null };
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
