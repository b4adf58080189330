import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CourseInput } from '../../src/courses/course.ts';
import type { DecisionEventType } from '../../src/decision-log/decision-event.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  approveAfterReading,
  createAndPublish,
  createSet,
  decide,
  decideAll,
  putSettings,
  REACHABLE_COURSE_IDS,
  readSet,
  syncSeeker,
  type TestClock,
  WORKFLOW_CATALOG,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * `courseAvailable` tells the person when they can no longer go to a course published to them. A
 * course still active whose planned session the catalog has since cancelled (no session planned any
 * more), or whose only session began before today, is no longer available; a session the catalog
 * moved is given as it stands now (`currentNextSessionStart`), beside the course as validated. The
 * explanation says the same.
 */
describe('a published course whose session the catalog cancelled or moved', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;
  let admin: string;
  const changed = new Set<string>();

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
    admin = await t.tokenFor('admin', 'ops-1');
  });
  afterAll(() => t.close());
  // Each test changes what it needs; the next one starts from the whole catalog again.
  afterEach(async () => {
    for (const courseId of changed) await putCourse(courseId, {});
    changed.clear();
  });

  async function putCourse(courseId: string, change: Partial<CourseInput>): Promise<void> {
    const res = await t.http
      .put(`/v1/courses/${courseId}`)
      .auth(admin, { type: 'bearer' })
      .send({ ...WORKFLOW_CATALOG[courseId], ...change });
    expect(res.status).toBe(200);
  }

  /** The catalog plans the course's next session on `nextSessionStart` (null: none planned). */
  async function planSession(courseId: string, nextSessionStart: string | null): Promise<void> {
    changed.add(courseId);
    await putCourse(courseId, { nextSessionStart });
  }

  /** A way to read, as `seekerId`, the first course in their list and its explanation. */
  async function seeingFirstItemOf(seekerId: string) {
    const seeker = await t.tokenFor('job_seeker', seekerId);
    return async () => {
      const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
      expect(mine.status).toBe(200);
      const item = mine.body.items[0];
      const explained = await t.http
        .get(`/v1/me/recommendations/${item.itemId}/explanation`)
        .auth(seeker, { type: 'bearer' });
      expect(explained.status).toBe(200);
      return { item, explanation: explained.body };
    };
  }

  /** A course published to `seekerId`, as they first see it, and a way to see it again. */
  async function publishedTo(seekerId: string) {
    await syncSeeker(t, seekerId);
    await createAndPublish(t, counselor, seekerId, { approve: 1 });
    const see = await seeingFirstItemOf(seekerId);
    const { item } = await see();
    expect(item).toMatchObject({
      courseAvailable: true,
      currentNextSessionStart: '2027-01-11',
      courseChangeNotice: null,
    });
    expect(item.course.nextSessionStart).toBe('2027-01-11');
    return { courseId: item.course.id as string, see };
  }

  /**
   * A course the counselor added (one the model did not suggest) published alone to `seekerId`, as
   * they first see it, and a way to see it again.
   */
  async function addedAndPublishedTo(seekerId: string) {
    await syncSeeker(t, seekerId);
    const { set } = await createSet(t, counselor, seekerId, { limit: 1 });
    const { etag } = await decideAll(t, counselor, set.id, { approve: 0 });
    const courseId = REACHABLE_COURSE_IDS.find((id) => !set.items.some((item) => item.course.id === id));
    const added = await act(t, counselor, set.id, 'items', etag, {
      courseId,
      reason: 'La personne connaît ce centre et peut s’y rendre en bus.',
    });
    expect(added.status).toBe(201);
    const published = await act(t, counselor, set.id, 'publish', String(added.headers.etag));
    expect(published.status).toBe(200);
    const see = await seeingFirstItemOf(seekerId);
    const { item } = await see();
    expect(item).toMatchObject({ suggestedBy: 'counselor', courseChangeNotice: null });
    expect(item.course).toMatchObject({ id: courseId, nextSessionStart: '2027-01-11' });
    return { courseId: item.course.id as string, see };
  }

  /** The payloads of the person's events of one type, oldest first. */
  async function loggedPayloads(seekerId: string, type: DecisionEventType) {
    const { decisionLog, pseudonymiser } = t.container.decisionLog;
    const events = await decisionLog.listEvents({
      types: [type],
      subject: pseudonymiser.pseudonymise(seekerId),
      limit: 1000,
    });
    return events.map((event) => event.payload);
  }

  it('is not shown to the person as available on the old start date', async () => {
    const { courseId, see } = await publishedTo('js-1');

    await planSession(courseId, null);

    const { item, explanation } = await see();
    expect(item, JSON.stringify(item)).toMatchObject({
      courseAvailable: false,
      currentNextSessionStart: null,
    });
    // The course as the counselor validated it is kept: the flag tells the person, not a rewrite.
    expect(item.course.nextSessionStart).toBe('2027-01-11');
    expect(explanation).toMatchObject({ courseAvailable: false, currentNextSessionStart: null });
  });

  it('gives a moved session as the catalog plans it now, the course still available', async () => {
    const { courseId, see } = await publishedTo('js-moved');

    await planSession(courseId, '2027-02-15');

    const { item, explanation } = await see();
    expect(item).toMatchObject({ courseAvailable: true, currentNextSessionStart: '2027-02-15' });
    expect(item.course.nextSessionStart).toBe('2027-01-11');
    expect(explanation).toMatchObject({ courseAvailable: true, currentNextSessionStart: '2027-02-15' });
  });

  /** The sentence's opening, the day of the suggestion in French words. */
  const GIVEN_AS_IT_WAS =
    /^Les raisons de cette suggestion ont été données avec la formation telle qu’elle était le \d{1,2}(er)? [a-zéû]+ \d{4}, jour de la suggestion\. Depuis, /;

  it('tells the person in French that the reasons were given before the catalog moved the session, and to when', async () => {
    const { courseId, see } = await publishedTo('js-moved-told');

    await planSession(courseId, '2027-05-03');

    const { item, explanation } = await see();
    // The stored reasons stay as they were written (« commence bientôt » may be among them) …
    expect(explanation.summary).toBe(item.explanation);
    // … and one sentence beside them says they were about the session as it was, and what changed.
    expect(item.courseChangeNotice).toMatch(GIVEN_AS_IT_WAS);
    expect(item.courseChangeNotice).toContain(
      'Depuis, sa session a été déplacée : elle commence le 3 mai 2027, et non plus le 11 janvier 2027.',
    );
    expect(explanation.courseChangeNotice).toBe(item.courseChangeNotice);
  });

  it('tells the person in French that the session the reasons were about was cancelled', async () => {
    const { courseId, see } = await publishedTo('js-cancelled-told');

    await planSession(courseId, null);

    const { item, explanation } = await see();
    expect(item.courseChangeNotice).toMatch(GIVEN_AS_IT_WAS);
    expect(item.courseChangeNotice).toContain(
      'Depuis, sa session du 11 janvier 2027 a été annulée et aucune autre n’est prévue pour l’instant : vous ne pouvez plus vous y inscrire.',
    );
    expect(explanation.courseChangeNotice).toBe(item.courseChangeNotice);
  });

  /** The opening of the sentence for a course the counselor added, published on the clock's day. */
  const CHOSEN_AS_IT_WAS =
    'Votre conseiller a retenu cette formation pour vous telle qu’elle était au moment de son choix, avant de ' +
    'vous la proposer le 1er octobre 2026. Depuis, ';

  it('tells the person in French that their counselor chose a course before the catalog moved its session, and to when, in the list and the explanation', async () => {
    const { courseId, see } = await addedAndPublishedTo('js-added-moved-told');

    await planSession(courseId, '2027-05-03');

    const { item, explanation } = await see();
    expect(item).toMatchObject({ courseAvailable: true, currentNextSessionStart: '2027-05-03' });
    expect(item.courseChangeNotice).toBe(
      `${CHOSEN_AS_IT_WAS}sa session a été déplacée : elle commence le 3 mai 2027, et non plus le 11 janvier 2027.`,
    );
    expect(explanation.courseChangeNotice).toBe(item.courseChangeNotice);
  });

  it('tells the person in French that the session of a course their counselor chose was cancelled since, in the list and the explanation', async () => {
    const { courseId, see } = await addedAndPublishedTo('js-added-cancelled-told');

    await planSession(courseId, null);

    const { item, explanation } = await see();
    expect(item.courseAvailable).toBe(false);
    expect(item.courseChangeNotice).toBe(
      `${CHOSEN_AS_IT_WAS}sa session du 11 janvier 2027 a été annulée et aucune autre n’est prévue pour l’instant : vous ne pouvez plus vous y inscrire.`,
    );
    expect(explanation.courseChangeNotice).toBe(item.courseChangeNotice);
  });

  it('warns the counselor publishing a course whose session the catalog cancelled since it was approved (session_unavailable)', async () => {
    await syncSeeker(t, 'js-cancel-before-publish');
    const { set } = await createSet(t, counselor, 'js-cancel-before-publish');
    const { set: decided, etag } = await decideAll(t, counselor, set.id, { approve: 1 });
    const approved = decided.items.find((item) => item.decision === 'approved');
    if (approved === undefined) throw new Error('one item is approved');
    await planSession(approved.course.id, null);

    const published = await act(t, counselor, set.id, 'publish', etag, {});
    expect(published.status).toBe(200);
    expect(published.body.warnings).toEqual([
      {
        code: 'session_unavailable',
        field: 'courseId',
        itemId: approved.itemId,
        message: expect.stringContaining(`${approved.course.id} "${approved.course.title}"`),
      },
    ]);
    expect(published.body.warnings[0].message).toContain('cancelled its session of 2027-01-11');
  });

  it('warns the counselor approving a course whose session starts today in France, and not one whose session is ahead', async () => {
    await syncSeeker(t, 'js-approve-today');
    const { set, etag } = await createSet(t, counselor, 'js-approve-today', { limit: 2 });
    const [first, second] = set.items;
    if (first === undefined || second === undefined) throw new Error('two items are needed');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(clock.now());
    await planSession(first.course.id, today);

    const late = await decide(t, counselor, set.id, first.itemId, etag, { decision: 'approve' });
    expect(late.status).toBe(200);
    expect(late.body.warnings).toMatchObject([{ code: 'session_unavailable', itemId: first.itemId }]);
    const ahead = await decide(t, counselor, set.id, second.itemId, String(late.headers.etag), {
      decision: 'approve',
    });
    expect(ahead.status).toBe(200);
    expect(ahead.body.warnings ?? []).toEqual([]);
  });

  it('tells the counselor whether the catalog cancelled the session or it starts today or before (session_unavailable)', async () => {
    await syncSeeker(t, 'js-which-closure');
    const { set, etag } = await createSet(t, counselor, 'js-which-closure', { limit: 2 });
    const [cancelled, started] = set.items;
    if (cancelled === undefined || started === undefined) throw new Error('two items are needed');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(clock.now());
    await planSession(cancelled.course.id, null);
    await planSession(started.course.id, today);

    const first = await decide(t, counselor, set.id, cancelled.itemId, etag, { decision: 'approve' });
    const second = await decide(t, counselor, set.id, started.itemId, String(first.headers.etag), {
      decision: 'approve',
    });

    expect(first.status).toBe(200);
    expect(first.body.warnings).toEqual([
      {
        code: 'session_unavailable',
        field: 'courseId',
        itemId: cancelled.itemId,
        message: `course ${cancelled.course.id} "${cancelled.course.title}" (item ${cancelled.itemId}): the catalog cancelled its session of 2027-01-11 and plans no other: the person will read the course as no longer available`,
      },
    ]);
    expect(second.status).toBe(200);
    expect(second.body.warnings).toEqual([
      {
        code: 'session_unavailable',
        field: 'courseId',
        itemId: started.itemId,
        message: `course ${started.course.id} "${started.course.title}" (item ${started.itemId}): its session starts on ${today}, today or before (the day in France), too late to join: the person will read the course as no longer available`,
      },
    ]);
    // Publishing warns about both, each in its own words (and, the set decided from the answer that
    // created it, that it was published unopened).
    const published = await act(t, counselor, set.id, 'publish', String(second.headers.etag), {});
    expect(published.status).toBe(200);
    const warnings = published.body.warnings as Array<{ code: string; message: string }>;
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('cancelled its session of 2027-01-11'),
      expect.stringContaining(`starts on ${today}, today or before`),
      expect.stringContaining('published without being opened'),
    ]);
    expect(warnings.map((w) => w.code)).toEqual([
      'session_unavailable',
      'session_unavailable',
      'published_unopened',
    ]);
  });

  /** A set with one course approved, handed to its second review, whose session the catalog then cancels. */
  async function handOnThenCancelApproved(seekerId: string) {
    const { set } = await createSet(t, counselor, seekerId);
    const { set: decided, etag } = await decideAll(t, counselor, set.id, { approve: 1 });
    const approved = decided.items.find((item) => item.decision === 'approved');
    if (approved === undefined) throw new Error('one item is approved');
    const handed = await act(t, counselor, set.id, 'publish', etag, {});
    expect(handed.body.status).toBe('awaiting_second_review');
    await planSession(approved.course.id, null);
    return { set, approved };
  }

  it('warns the second reviewer approving a course whose session the catalog cancelled since it was handed on (session_unavailable)', async () => {
    await syncSeeker(t, 'js-cancel-in-second-review');
    await putSettings(t, { secondReviewRate: 1 });
    try {
      const { set, approved } = await handOnThenCancelApproved('js-cancel-in-second-review');

      const published = await approveAfterReading(t, otherCounselor, set.id);
      expect(published.status).toBe(200);
      expect(published.body.status).toBe('published');
      expect(published.body.warnings).toEqual([
        {
          code: 'session_unavailable',
          field: 'courseId',
          itemId: approved.itemId,
          message: expect.stringContaining(approved.course.id),
        },
      ]);
    } finally {
      await putSettings(t, {});
    }
  });

  it('logs the closed session a counselor approved and published a course despite, for the auditors (closedSession, closedSessions)', async () => {
    await syncSeeker(t, 'js-closed-logged');
    const { set, etag } = await createSet(t, counselor, 'js-closed-logged', { limit: 3 });
    const [cancelled, started, ahead] = set.items;
    if (cancelled === undefined || started === undefined || ahead === undefined)
      throw new Error('three items');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(clock.now());
    await planSession(cancelled.course.id, null);
    await planSession(started.course.id, today);

    let current = etag;
    for (const item of [cancelled, started, ahead]) {
      const res = await decide(t, counselor, set.id, item.itemId, current, { decision: 'approve' });
      expect(res.status).toBe(200);
      current = String(res.headers.etag);
    }
    const published = await act(t, counselor, set.id, 'publish', current, {});
    expect(published.status).toBe(200);

    const decisions = await loggedPayloads('js-closed-logged', 'item.decided');
    expect(decisions.map((payload) => [payload.itemId, payload.closedSession])).toEqual([
      [cancelled.itemId, 'session_cancelled'],
      [started.itemId, 'session_started'],
      [ahead.itemId, null],
    ]);
    const [publication] = await loggedPayloads('js-closed-logged', 'recommendation.published');
    expect(publication?.closedSessions).toEqual([
      { itemId: cancelled.itemId, reason: 'session_cancelled' },
      { itemId: started.itemId, reason: 'session_started' },
    ]);
  });

  it('logs the closed sessions a set was handed to its second review and approved despite (closedSessions)', async () => {
    await syncSeeker(t, 'js-closed-second-review');
    await putSettings(t, { secondReviewRate: 1 });
    try {
      const { set, approved } = await handOnThenCancelApproved('js-closed-second-review');

      const published = await approveAfterReading(t, otherCounselor, set.id);
      expect(published.status).toBe(200);

      const [request] = await loggedPayloads('js-closed-second-review', 'second_review.requested');
      expect(request?.closedSessions).toEqual([]);
      const [publication] = await loggedPayloads('js-closed-second-review', 'recommendation.published');
      expect(publication?.closedSessions).toEqual([{ itemId: approved.itemId, reason: 'session_cancelled' }]);
    } finally {
      await putSettings(t, {});
    }
  });

  it('shows the counselor a course as the person reads it: no longer available once its session is cancelled or starts today in France', async () => {
    await syncSeeker(t, 'js-counselor-sees-offer');
    const { set } = await createSet(t, counselor, 'js-counselor-sees-offer', { limit: 3 });
    const [cancelled, today, ahead] = set.items;
    if (cancelled === undefined || today === undefined || ahead === undefined) throw new Error('three items');
    expect(set.items.every((item) => item.courseAvailable)).toBe(true);
    await planSession(cancelled.course.id, null);
    await planSession(
      today.course.id,
      new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(clock.now()),
    );

    const availability = (items: Array<{ itemId: string; courseAvailable: boolean }>) =>
      Object.fromEntries(items.map((item) => [item.itemId, item.courseAvailable]));
    const expected = { [cancelled.itemId]: false, [today.itemId]: false, [ahead.itemId]: true };
    const read = await readSet(t, counselor, set.id);
    expect(availability(read.set.items)).toEqual(expected);
    // Every answer that returns the set says the same, a review action's too.
    const decided = await decide(t, counselor, set.id, ahead.itemId, read.etag, { decision: 'approve' });
    expect(decided.status).toBe(200);
    expect(availability(decided.body.items)).toEqual(expected);
  });

  it('tells the counselor a session the catalog cleared once it began has started, not that it was cancelled (session_unavailable)', async () => {
    const inFrance = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(at);
    const tomorrow = inFrance(new Date(clock.now().getTime() + 24 * 3600_000));
    for (const courseId of REACHABLE_COURSE_IDS) await planSession(courseId, tomorrow);
    await syncSeeker(t, 'js-session-began');
    const { set } = await createSet(t, counselor, 'js-session-began');
    const [item] = set.items;
    if (item === undefined) throw new Error('one item is needed');
    expect(item.course).toMatchObject({ nextSessionStart: tomorrow });

    // The next day the session began, and the catalog's import lists the course with none planned.
    clock.advance(24 * 3600_000);
    await planSession(item.course.id, null);
    const { etag } = await readSet(t, counselor, set.id);
    const approved = await decide(t, counselor, set.id, item.itemId, etag, { decision: 'approve' });

    expect(approved.status).toBe(200);
    expect(approved.body.warnings).toEqual([
      {
        code: 'session_unavailable',
        field: 'courseId',
        itemId: item.itemId,
        message: `course ${item.course.id} "${item.course.title}" (item ${item.itemId}): its session starts on ${tomorrow}, today or before (the day in France), too late to join: the person will read the course as no longer available`,
      },
    ]);
  });

  it('tells the person a new session is planned, not that theirs moved, once the session the reasons were about has begun', async () => {
    const { courseId, see } = await publishedTo('js-next-session-told');
    const start = clock.now().getTime();
    try {
      clock.advance(Date.parse('2027-01-20T10:00:00.000Z') - start);
      await planSession(courseId, '2027-05-03');

      const { item, explanation } = await see();
      expect(item.courseChangeNotice).toMatch(GIVEN_AS_IT_WAS);
      expect(item.courseChangeNotice).toContain(
        'Depuis, une nouvelle session est prévue : elle commence le 3 mai 2027.',
      );
      expect(explanation.courseChangeNotice).toBe(item.courseChangeNotice);
    } finally {
      clock.advance(start - clock.now().getTime());
    }
  });

  it('tells the person, in the past tense, that the session was moved to a day already begun', async () => {
    const { courseId, see } = await publishedTo('js-moved-to-today');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(clock.now());

    await planSession(courseId, today);

    const { item } = await see();
    expect(item.courseAvailable).toBe(false);
    expect(item.courseChangeNotice).toMatch(
      /Depuis, sa session a été déplacée : elle a commencé le .+, et non plus le 11 janvier 2027\. Il est trop tard pour la rejoindre\.$/,
    );
  });

  it('is no longer available from the day its only session starts in France (too late to join), in the export too', async () => {
    const { see } = await publishedTo('js-session-passed');
    const seeker = await t.tokenFor('job_seeker', 'js-session-passed');
    // 10 January 2027 at 23:30 in France: the session starts tomorrow, still the person's to join.
    clock.advance(Date.parse('2027-01-10T22:30:00.000Z') - clock.now().getTime());
    expect((await see()).item).toMatchObject({
      courseAvailable: true,
      currentNextSessionStart: '2027-01-11',
    });

    // Just after midnight in Paris on the 11th, the session's day, while the UTC day is still the 10th.
    clock.advance(Date.parse('2027-01-10T23:30:00.000Z') - clock.now().getTime());

    const { item, explanation } = await see();
    expect(item).toMatchObject({ courseAvailable: false, currentNextSessionStart: null });
    expect(explanation).toMatchObject({ courseAvailable: false, currentNextSessionStart: null });
    const mine = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
    expect(mine.body.recommendations[0]).toMatchObject({
      courseAvailable: false,
      currentNextSessionStart: null,
    });
  });
});
