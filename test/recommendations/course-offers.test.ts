import { describe, expect, it } from 'vitest';
import { findCourseOffers } from '../../src/recommendations/course-offers.ts';
import type { RecommendationItem } from '../../src/recommendations/recommendation.ts';
import { aRecommendationSet } from '../support/workflow.ts';

/** 1 December 2026, 10:00 in Paris. */
const NOW = new Date('2026-12-01T09:00:00.000Z');

/** An item whose course was kept with its next session on `keptSession`. */
function anItem(id: string, keptSession: string | null): RecommendationItem {
  const [item] = aRecommendationSet().items;
  if (item === undefined) throw new Error('the builder set has an item');
  return { ...item, id, course: { ...item.course, id: `COURSE-${id}`, nextSessionStart: keptSession } };
}

/** The catalog now: the active courses, each with its next session. */
function aCatalog(sessions: Record<string, string | null>) {
  return { findOfferedSessions: async () => new Map(Object.entries(sessions)) };
}

describe('how a published course is offered to the person now', () => {
  it('compares each item’s course with the catalog, on the day in France, saying why one is no longer available', async () => {
    const items = [
      anItem('same', '2027-01-11'),
      anItem('moved', '2027-01-11'),
      anItem('withdrawn', '2027-01-11'),
      anItem('cancelled', '2027-01-11'),
      anItem('never-planned', null),
      anItem('broken-by-hand', '2027-01-11'),
      anItem('today', '2026-12-01'),
      anItem('passed', '2026-12-01'),
      anItem('began-then-cleared', '2026-11-20'),
      anItem('begins-today-then-cleared', '2026-12-01'),
    ];
    const offers = await findCourseOffers(
      aCatalog({
        'COURSE-same': '2027-01-11',
        'COURSE-moved': '2027-03-01',
        'COURSE-cancelled': null,
        'COURSE-never-planned': null,
        'COURSE-broken-by-hand': 'bientôt',
        'COURSE-today': '2026-12-01',
        'COURSE-passed': '2026-11-30',
        'COURSE-began-then-cleared': null,
        'COURSE-begins-today-then-cleared': null,
      }),
      items,
      NOW,
    );
    const open = (nextSessionStart: string | null) => ({
      available: true,
      nextSessionStart,
      unavailability: null,
    });
    const gone = (unavailability: object) => ({ available: false, nextSessionStart: null, unavailability });
    expect(Object.fromEntries(offers)).toEqual({
      same: open('2027-01-11'),
      moved: open('2027-03-01'),
      withdrawn: gone({ reason: 'withdrawn' }),
      cancelled: gone({ reason: 'session_cancelled', session: '2027-01-11' }),
      // Added by hand with no session planned: nothing was cancelled since.
      'never-planned': open(null),
      'broken-by-hand': gone({ reason: 'session_cancelled', session: '2027-01-11' }),
      // Too late to join, as the counselor adding it is warned (session_passed).
      today: gone({ reason: 'session_started', session: '2026-12-01' }),
      passed: gone({ reason: 'session_started', session: '2026-11-30' }),
      // Catalogs clear a session's date once it began: the kept one, today or before, started.
      'began-then-cleared': gone({ reason: 'session_started', session: '2026-11-20' }),
      'begins-today-then-cleared': gone({ reason: 'session_started', session: '2026-12-01' }),
    });
  });

  it('reads nothing for no items', async () => {
    const catalog = {
      findOfferedSessions: async () => {
        throw new Error('no read expected');
      },
    };
    expect(await findCourseOffers(catalog, [], NOW)).toEqual(new Map());
  });
});
