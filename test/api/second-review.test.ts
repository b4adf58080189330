import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedDecisionEvent } from '../../src/decision-log/decision-event.ts';
import { pseudonymOf } from '../audit/support/audit-events.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  approveAfterReading,
  createSet,
  decideAll,
  decideEach,
  eraseJobSeeker,
  putSettings,
  readSet,
  type SetBody,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;
/** The default `setTtlHours`, which `putSettings` keeps. */
const TTL_HOURS = 168;
const RETURN_COMMENT = 'Vérifier les dates de session avec la personne avant de publier.';
const APPROVAL_COMMENT = 'Les deux formations retenues répondent au projet, rien à reprendre.';

describe('the lifetime and the return of a set sent to a second reviewer', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
  });
  beforeEach(() => putSettings(t, { secondReviewRate: 1 }));
  afterAll(() => t.close());

  const inFullLifetime = () => new Date(clock.now().getTime() + TTL_HOURS * HOUR).toISOString();

  /** A set of `seekerId` decided by its counselor `hoursLater` after it was made, then handed on. */
  async function handToSecondReview(
    seekerId: string,
    hoursLater: number,
  ): Promise<{ set: SetBody; etag: string }> {
    const { set } = await createSet(t, counselor, seekerId, { limit: 2 });
    clock.advance(hoursLater * HOUR);
    const { etag } = await decideAll(t, counselor, set.id, { approve: 1 });
    const handed = await act(t, counselor, set.id, 'publish', etag);
    expect(handed.status).toBe(200);
    expect(handed.body.status).toBe('awaiting_second_review');
    return { set: handed.body as SetBody, etag: String(handed.headers.etag) };
  }

  /** A set its counselor decided from the creation's answer, never reading it, then handed on. */
  async function handOverUnread() {
    const { set, etag } = await createSet(t, counselor, 'js-1', { limit: 1 });
    const [item] = set.items;
    if (item === undefined) throw new Error('needs an item');
    const decided = await decideEach(t, counselor, set.id, etag, [[item.itemId, { decision: 'approve' }]]);
    const handed = await act(t, counselor, set.id, 'publish', decided.etag);
    expect(handed.body.status).toBe('awaiting_second_review');
    return { set, handed };
  }

  async function returnSet(setId: string, etag: string, comment: string) {
    const res = await act(t, otherCounselor, setId, 'second-review', etag, { decision: 'return', comment });
    expect(res.status).toBe(200);
    return res;
  }

  /** Its counselor approves, after a return, the item they had rejected before the hand-over. */
  async function approveRejectedAfterReturn(setId: string, returned: Awaited<ReturnType<typeof returnSet>>) {
    const rejected = returned.body.items.find((item: { decision: string }) => item.decision === 'rejected');
    const decided = await t.http
      .post(`/v1/recommendations/${setId}/items/${rejected.itemId}/decision`)
      .auth(counselor, { type: 'bearer' })
      .set('If-Match', String(returned.headers.etag))
      .send({ decision: 'approve' });
    expect(decided.status).toBe(200);
  }

  /** The oversight figures' rows, as an auditor reads them. */
  async function oversightRows(query: string) {
    const auditor = await t.tokenFor('auditor', 'dpo-1');
    const res = await t.http
      .get(`/v1/audit/stats/oversight?${query}`)
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'oversight of returned sets');
    expect(res.status).toBe(200);
    return res.body.rows;
  }

  async function eventsOf(setId: string): Promise<RecordedDecisionEvent[]> {
    return (await t.container.decisionLog.decisionLog.listEvents({ limit: 1000 })).filter(
      (event) => event.payload.setId === setId,
    );
  }

  async function openPersonal(event: RecordedDecisionEvent | undefined): Promise<unknown> {
    if (event?.personal === null || event?.personal === undefined) return undefined;
    return t.container.decisionLog.subjectKeyring.decryptPersonal(event.personal);
  }

  it('gives the second reviewer a full lifetime from the moment the set is handed to them', async () => {
    const { set: created } = await createSet(t, counselor, 'js-1', { limit: 1 });
    clock.advance((TTL_HOURS - 1) * HOUR);
    const { etag } = await decideAll(t, counselor, created.id);
    const handed = await act(t, counselor, created.id, 'publish', etag);
    expect(handed.status).toBe(200);
    expect(handed.body).toMatchObject({ status: 'awaiting_second_review', expiresAt: inFullLifetime() });
    expect(handed.body.expiresAt).not.toBe(created.expiresAt);
    expect(handed.headers.etag).toBe(`"${handed.body.version}"`);
    expect(handed.headers.etag).not.toBe(etag);
    const queue = await t.http
      .get('/v1/recommendations?queue=second_review')
      .auth(otherCounselor, { type: 'bearer' });
    expect(queue.body.items.find((summary: { id: string }) => summary.id === created.id)).toMatchObject({
      expiresAt: inFullLifetime(),
    });
  });

  it('lets the second reviewer approve a set that would have expired under its first lifetime', async () => {
    const { set } = await handToSecondReview('js-1', TTL_HOURS - 1);
    clock.advance(2 * HOUR);
    expect(clock.now().getTime()).toBeGreaterThan(Date.parse(set.createdAt) + TTL_HOURS * HOUR);
    const peer = await readSet(t, otherCounselor, set.id);
    expect(peer.set.status).toBe('awaiting_second_review');
    const approved = await act(t, otherCounselor, set.id, 'second-review', peer.etag, {
      decision: 'approve',
    });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('published');
  });

  it('leaves a set its counselor never read unopened when the second reviewer reads it: decision times count from its counselor’s reading', async () => {
    const { set, handed } = await handOverUnread();

    const peer = await readSet(t, otherCounselor, set.id);
    expect(peer.set.openedAt).toBeNull();
    expect(peer.set.secondReview.openedAt).not.toBeNull();
    expect(handed.body.openedAt).toBeNull();
    expect((await eventsOf(set.id)).map((event) => event.type)).not.toContain('recommendation.opened');
  });

  it("leaves the set unopened when its counselor reads it for the first time while it awaits the second review, so the second reviewer's ETag holds", async () => {
    const { set } = await handOverUnread();
    const peer = await readSet(t, otherCounselor, set.id);

    const own = await readSet(t, counselor, set.id);
    expect(own.set.openedAt).toBeNull();
    expect(own.etag).toBe(peer.etag);
    const approved = await act(t, otherCounselor, set.id, 'second-review', peer.etag, {
      decision: 'approve',
    });
    expect(approved.status).toBe(200);
    expect((await eventsOf(set.id)).map((event) => event.type)).not.toContain('recommendation.opened');
  });

  it('refuses the approval of a second reviewer who never read the set, whatever ETag they send, saying to read it first', async () => {
    const { set } = await handToSecondReview('js-1', 1);
    // The ETag a refusal gives is current, but sending it back is no reading of the set.
    const unconditional = await act(t, otherCounselor, set.id, 'second-review', undefined, {
      decision: 'approve',
    });
    expect(unconditional.status).toBe(428);
    const blind = await act(t, otherCounselor, set.id, 'second-review', unconditional.body.currentEtag, {
      decision: 'approve',
    });
    expect(blind.status).toBe(409);
    expect(blind.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(blind.body).toMatchObject({
      type: 'https://aiguillage.example/problems/second-review-unread',
      detail: expect.stringContaining(`read it first (GET /v1/recommendations/${set.id})`),
    });
    expect((await eventsOf(set.id)).map((event) => event.type)).not.toContain('second_review.completed');

    const approved = await approveAfterReading(t, otherCounselor, set.id);
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('published');
  });

  it('records the second reviewer’s reading once, on the set and in the log, and times their approval from it', async () => {
    const { set, etag } = await handToSecondReview('js-1', 1);
    clock.advance(HOUR);
    const readAt = clock.now().toISOString();
    const peer = await readSet(t, otherCounselor, set.id);
    expect(peer.set.secondReview).toMatchObject({ openedAt: readAt, reads: [{ by: 'c-002', at: readAt }] });
    // A read is no change of the set: the ETag its counselor held stays current.
    expect(peer.etag).toBe(etag);
    expect(peer.set.allowedActions).toEqual(['second_review']);
    clock.advance(60_000);
    const again = await readSet(t, otherCounselor, set.id);
    expect(again.etag).toBe(peer.etag);
    expect(again.set.secondReview.openedAt).toBe(readAt);

    clock.advance(30_000);
    const approved = await act(t, otherCounselor, set.id, 'second-review', peer.etag, {
      decision: 'approve',
    });
    expect(approved.status).toBe(200);
    expect(approved.body.secondReview).toMatchObject({
      reviewerId: 'c-002',
      openedAt: readAt,
      reads: [{ by: 'c-002', at: readAt }],
    });
    const events = await eventsOf(set.id);
    const opened = events.filter((event) => event.type === 'second_review.opened');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ payload: { setId: set.id }, occurredAt: readAt });
    expect(opened[0]?.actor.pseudonym).toBe(t.container.decisionLog.pseudonymiser.pseudonymise('c-002'));
    expect(events.find((event) => event.type === 'second_review.completed')?.payload).toEqual({
      setId: set.id,
      decision: 'approve',
      secondsSinceOpened: 90,
    });
  });

  it('lets a second reviewer return a set without reading it: a return publishes nothing', async () => {
    const { set, etag } = await handToSecondReview('js-1', 1);
    const returned = await returnSet(set.id, etag, RETURN_COMMENT);
    expect(returned.body.status).toBe('pending_review');
  });

  it('asks for a new read of a set handed on again after a return, the reading of the set as it was not counting', async () => {
    const { set } = await handToSecondReview('js-1', 1);
    const peer = await readSet(t, otherCounselor, set.id);
    const returned = await returnSet(set.id, peer.etag, RETURN_COMMENT);
    const handedAgain = await act(t, counselor, set.id, 'publish', String(returned.headers.etag));
    expect(handedAgain.body.secondReview).toMatchObject({ openedAt: null, reads: [] });

    const blind = await act(t, otherCounselor, set.id, 'second-review', String(handedAgain.headers.etag), {
      decision: 'approve',
    });
    expect(blind.status).toBe(409);
    expect(blind.body.type).toMatch(/problems\/second-review-unread$/);
    expect((await approveAfterReading(t, otherCounselor, set.id)).status).toBe(200);
  });

  it('still expires a set the second reviewer leaves for longer than a full lifetime', async () => {
    const { set, etag } = await handToSecondReview('js-1', 1);
    clock.advance(TTL_HOURS * HOUR);
    const late = await act(t, otherCounselor, set.id, 'second-review', etag, { decision: 'approve' });
    expect(late.status).toBe(409);
    expect(late.body.setStatus).toBe('expired');
  });

  it('tells its counselor, changing a set in second review, that a peer approves or returns it, or that it can be discarded', async () => {
    const { set, etag } = await handToSecondReview('js-1', 1);
    const res = await act(t, counselor, set.id, 'items', etag, { courseId: 'PARIS-AS', reason: 'Un ajout.' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      type: expect.stringMatching(/problems\/set-status$/),
      setStatus: 'awaiting_second_review',
    });
    expect(res.body.detail).toBe(
      `cannot add a course: the set awaits a second review; another counselor approves it (publishing it) or returns it to you (POST /v1/recommendations/${set.id}/second-review), or you discard it (POST /v1/recommendations/${set.id}/discard)`,
    );
  });

  it('gives the counselor a full lifetime again when the second reviewer returns the set', async () => {
    const { set, etag } = await handToSecondReview('js-1', 100);
    const handedExpiry = set.expiresAt;
    clock.advance(100 * HOUR);
    const returned = await returnSet(set.id, etag, RETURN_COMMENT);
    expect(returned.body).toMatchObject({ status: 'pending_review', expiresAt: inFullLifetime() });
    expect(returned.headers.etag).not.toBe(etag);

    // Past the lifetime the second reviewer was given, within the one the return gave.
    clock.advance(100 * HOUR);
    expect(clock.now().getTime()).toBeGreaterThan(Date.parse(handedExpiry));
    const mine = await readSet(t, counselor, set.id);
    expect(mine.set.status).toBe('pending_review');
    const again = await act(t, counselor, set.id, 'publish', mine.etag);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'awaiting_second_review', expiresAt: inFullLifetime() });
  });

  it('tells in the queue that a set was returned and when, whose it is and when it was opened', async () => {
    const { set, etag } = await handToSecondReview('js-1', 1);
    clock.advance(HOUR);
    await returnSet(set.id, etag, RETURN_COMMENT);
    const queue = await t.http
      .get('/v1/recommendations')
      .query({ seekerId: 'js-1', status: 'pending_review' })
      .auth(counselor, { type: 'bearer' });
    const summary = queue.body.items.find((item: { id: string }) => item.id === set.id);
    expect(summary).toMatchObject({
      counselorId: 'c-001',
      status: 'pending_review',
      openedAt: set.openedAt,
      closedAt: null,
      returnedAt: clock.now().toISOString(),
      pendingCount: 0,
    });
  });

  it('shows the counselor who returned the set, when and why, in the set and in every review answer', async () => {
    const { set, etag } = await handToSecondReview('js-1', 1);
    const returnedAt = clock.now().toISOString();
    const returned = await returnSet(set.id, etag, `  ${RETURN_COMMENT} `);
    const expected = { by: 'c-002', at: returnedAt, comment: RETURN_COMMENT };
    expect(returned.body.secondReview).toEqual({
      required: true,
      firstReviewerId: null,
      reviewerId: null,
      openedAt: null,
      reads: [],
      returned: expected,
      approved: null,
    });

    clock.advance(HOUR);
    const mine = await readSet(t, counselor, set.id);
    expect(mine.set.secondReview.returned).toEqual(expected);
    const item = mine.set.items.find((candidate) => candidate.decision === 'rejected');
    if (item === undefined) throw new Error('the set has no rejected item');
    const decided = await t.http
      .post(`/v1/recommendations/${set.id}/items/${item.itemId}/decision`)
      .auth(counselor, { type: 'bearer' })
      .set('If-Match', mine.etag)
      .send({ decision: 'approve' });
    expect(decided.status).toBe(200);
    expect(decided.body.secondReview.returned).toEqual(expected);
    const handedAgain = await act(t, counselor, set.id, 'publish', String(decided.headers.etag));
    expect(handedAgain.status).toBe(200);
    expect(handedAgain.body.secondReview.returned).toEqual(expected);
    const approved = await approveAfterReading(t, otherCounselor, set.id);
    expect(approved.body).toMatchObject({ status: 'published', secondReview: { returned: expected } });
  });

  it('refuses a return without a comment saying what to change (422), and the set stays handed on', async () => {
    const { set, etag } = await handToSecondReview('js-1', 1);
    for (const body of [{ decision: 'return' }, { decision: 'return', comment: ' \u200b ' }]) {
      const res = await act(t, otherCounselor, set.id, 'second-review', etag, body);
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.detail).toMatch(/a return needs a comment telling the set's counselor what to change/);
    }
    const { set: after } = await readSet(t, otherCounselor, set.id);
    expect(after.status).toBe('awaiting_second_review');
    expect(after.secondReview.returned).toBeNull();
    expect((await eventsOf(set.id)).map((event) => event.type)).not.toContain('second_review.completed');
  });

  it('never shows the return comment to the job seeker, and lists it in their data export only once the set is closed', async () => {
    await syncSeeker(t, 'js-returned');
    const seeker = await t.tokenFor('job_seeker', 'js-returned');
    const { set, etag } = await handToSecondReview('js-returned', 1);
    const returned = await returnSet(set.id, etag, RETURN_COMMENT);
    const exportedSet = async () => {
      const data = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
      expect(data.status).toBe(200);
      return data.body.suggestionSets.find((mine: { id: string }) => mine.id === set.id);
    };
    const underReview = await exportedSet();
    expect(underReview).toMatchObject({ status: 'pending_review', secondReviewReturn: null });
    expect(JSON.stringify(underReview)).not.toContain(RETURN_COMMENT);

    const handedAgain = await act(t, counselor, set.id, 'publish', String(returned.headers.etag));
    expect(handedAgain.body.status).toBe('awaiting_second_review');
    const approved = await approveAfterReading(t, otherCounselor, set.id);
    expect(approved.body.status).toBe('published');

    const portal = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    expect(portal.status).toBe(200);
    expect(portal.body.items.length).toBeGreaterThan(0);
    expect(JSON.stringify(portal.body)).not.toContain(RETURN_COMMENT);
    for (const item of portal.body.items as Array<{ itemId: string }>) {
      const explanation = await t.http
        .get(`/v1/me/recommendations/${item.itemId}/explanation`)
        .auth(seeker, { type: 'bearer' });
      expect(explanation.status).toBe(200);
      expect(JSON.stringify(explanation.body)).not.toContain(RETURN_COMMENT);
    }

    const closed = await exportedSet();
    expect(closed.secondReviewReturn).toEqual({
      at: returned.body.secondReview.returned.at,
      comment: RETURN_COMMENT,
    });
    expect(JSON.stringify(closed)).not.toContain('c-002');
  });

  it('shows the set’s counselor the second reviewer’s approval comment, who approved and when, as the approval’s answer does', async () => {
    const { set } = await handToSecondReview('js-1', 1);
    const approvedAt = clock.now().toISOString();
    const approved = await approveAfterReading(t, otherCounselor, set.id, `  ${APPROVAL_COMMENT} `);
    expect(approved.status).toBe(200);
    const expected = { by: 'c-002', at: approvedAt, comment: APPROVAL_COMMENT };
    expect(approved.body).toMatchObject({
      status: 'published',
      secondReview: { reviewerId: 'c-002', approved: expected },
    });

    clock.advance(HOUR);
    const { set: mine } = await readSet(t, counselor, set.id);
    expect(mine.secondReview.approved).toEqual(expected);
  });

  it('keeps an approval without a comment as approved, with no comment, and a set handed on and not yet approved with none', async () => {
    const { set } = await handToSecondReview('js-1', 1);
    const { set: handed } = await readSet(t, counselor, set.id);
    expect(handed.secondReview.approved).toBeNull();
    const approved = await approveAfterReading(t, otherCounselor, set.id);
    expect(approved.body.secondReview.approved).toEqual({
      by: 'c-002',
      at: clock.now().toISOString(),
      comment: null,
    });
  });

  it('gives the person the second reviewer’s approval comment in their data export, with when, without the reviewer', async () => {
    await syncSeeker(t, 'js-approved');
    const seeker = await t.tokenFor('job_seeker', 'js-approved');
    const { set } = await handToSecondReview('js-approved', 1);
    const approved = await approveAfterReading(t, otherCounselor, set.id, APPROVAL_COMMENT);
    expect(approved.body.status).toBe('published');

    const data = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
    expect(data.status).toBe(200);
    const mine = data.body.suggestionSets.find((exported: { id: string }) => exported.id === set.id);
    expect(mine.secondReviewApproval).toEqual({
      at: approved.body.secondReview.approved.at,
      comment: APPROVAL_COMMENT,
    });
    expect(JSON.stringify(mine)).not.toContain('c-002');

    const portal = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    expect(portal.status).toBe(200);
    expect(JSON.stringify(portal.body)).not.toContain(APPROVAL_COMMENT);
  });

  it('warns about a sensitive term in a return comment the second reviewer confirmed, and keeps it', async () => {
    const { set, etag } = await handToSecondReview('js-1', 1);
    const comment = 'Attendre la décision de la MDPH avant de proposer ces formations.';
    // The person reads it in their data export once the review is over: refused until confirmed.
    const returned = await act(t, otherCounselor, set.id, 'second-review', etag, {
      decision: 'return',
      comment,
      acknowledgeSensitiveTerms: true,
    });
    expect(returned.status).toBe(200);
    expect(returned.body.warnings).toEqual([
      expect.objectContaining({ code: 'sensitive_term', field: 'comment', terms: ['mdph'] }),
      // The person reads it in their export once the review is over: the writer is told.
      expect.objectContaining({ code: 'comment_read_by_person', field: 'comment' }),
    ]);
    expect(returned.body.secondReview.returned.comment).toBe(comment);
  });

  it('marks the publication by the second reviewer of a message confirmed despite sensitive-term warnings as acknowledged', async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
    const { etag } = await decideAll(t, counselor, set.id, { approve: 1 });
    const handed = await act(t, counselor, set.id, 'publish', etag, {
      message: 'Pensez à votre traitement contre le diabète avant la formation.',
      acknowledgeSensitiveTerms: true,
    });
    expect(handed.body.status).toBe('awaiting_second_review');
    const approved = await approveAfterReading(t, otherCounselor, set.id);
    expect(approved.body.status).toBe('published');

    const published = (await eventsOf(set.id)).find((event) => event.type === 'recommendation.published');
    expect(published?.payload).toMatchObject({ sensitiveTermsAcknowledged: true });
    expect(published?.personal).toBeNull();
  });

  it('logs the new expiry in the public part of the hand-over and return events, the comment sealed', async () => {
    const { set, etag } = await handToSecondReview('js-1', 50);
    const handedExpiry = inFullLifetime();
    clock.advance(3 * HOUR);
    const returned = await returnSet(set.id, etag, RETURN_COMMENT);
    expect(returned.body.expiresAt).toBe(inFullLifetime());

    const events = await eventsOf(set.id);
    const requested = events.find((event) => event.type === 'second_review.requested');
    const completed = events.find((event) => event.type === 'second_review.completed');
    expect(requested?.payload).toEqual({ setId: set.id, expiresAt: handedExpiry, closedSessions: [] });
    expect(completed?.payload).toEqual({
      setId: set.id,
      decision: 'return',
      expiresAt: returned.body.expiresAt,
      secondsSinceOpened: null,
    });
    expect(JSON.stringify(completed?.payload)).not.toContain(RETURN_COMMENT);
    expect(await openPersonal(completed)).toMatchObject({
      status: 'readable',
      value: { comment: RETURN_COMMENT },
    });
  });

  it('counts in the oversight figures the decisions made after a return, past the set’s first lifetime', async () => {
    clock.advance(HOUR);
    const from = clock.now().toISOString();
    const { set, etag } = await handToSecondReview('js-1', 100);
    clock.advance(160 * HOUR);
    const returned = await returnSet(set.id, etag, RETURN_COMMENT);
    clock.advance(100 * HOUR);
    await approveRejectedAfterReturn(set.id, returned);

    // The set alone was generated since `from`; a period ending just after it must see all its reviews:
    // its counselor's row and its second reviewer's.
    const everything = await oversightRows(`from=${from}`);
    expect(everything).toHaveLength(2);
    const periodEnd = new Date(Date.parse(from) + 1).toISOString();
    // The same rows, each saying its week is counted up to the period's end.
    expect(await oversightRows(`from=${from}&to=${periodEnd}`)).toEqual(
      everything.map((row: Record<string, unknown>) => ({ ...row, to: periodEnd })),
    );
  });

  it('times the first decision after a return from the return, not from the counselor’s acts before the hand-over', async () => {
    clock.advance(HOUR);
    const from = clock.now().toISOString();
    const { set, etag } = await handToSecondReview('js-1', 0);
    // The second reviewer returns it the next day; its counselor changes a decision five seconds later.
    clock.advance(20 * HOUR);
    const returned = await returnSet(set.id, etag, RETURN_COMMENT);
    clock.advance(5_000);
    await approveRejectedAfterReturn(set.id, returned);

    const decisions = (await eventsOf(set.id)).filter((event) => event.type === 'item.decided');
    expect(decisions.at(-1)?.payload).toMatchObject({ secondsSincePreviousAct: 5 });
    const rows = await oversightRows(`from=${from}&fastDecisionSeconds=10`);
    expect(
      rows.find((row: { counselor: string }) => row.counselor === pseudonymOf(t, 'c-001')),
    ).toMatchObject({
      timedDecisions: 3,
      fastDecisionShare: 1,
    });
  });

  it('deletes the return with its set when the person is erased', async () => {
    await syncSeeker(t, 'js-erased-after-return');
    const { set, etag } = await handToSecondReview('js-erased-after-return', 1);
    await returnSet(set.id, etag, RETURN_COMMENT);
    const stored = () => t.container.db('recommendation_sets').where({ id: set.id }).first('return_comment');
    expect(await stored()).toEqual({ return_comment: RETURN_COMMENT });

    const admin = await t.tokenFor('admin', 'ops-1');
    const erased = await eraseJobSeeker(t, admin, 'js-erased-after-return');
    expect(erased.status).toBe(204);
    expect(await stored()).toBeUndefined();
  });

  it('deletes the second reviewer’s approval comment with its set when the person is erased', async () => {
    await syncSeeker(t, 'js-erased-after-approval');
    const { set } = await handToSecondReview('js-erased-after-approval', 1);
    await approveAfterReading(t, otherCounselor, set.id, APPROVAL_COMMENT);
    const stored = () =>
      t.container.db('recommendation_sets').where({ id: set.id }).first('approval_comment');
    expect(await stored()).toEqual({ approval_comment: APPROVAL_COMMENT });

    const admin = await t.tokenFor('admin', 'ops-1');
    const erased = await eraseJobSeeker(t, admin, 'js-erased-after-approval');
    expect(erased.status).toBe(204);
    expect(await stored()).toBeUndefined();
  });
});
