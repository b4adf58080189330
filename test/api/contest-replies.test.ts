import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedDecisionEvent } from '../../src/decision-log/decision-event.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  aWorkflowSeeker,
  createAndPublish,
  eraseJobSeeker,
  requestAccessRecord,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;
const PROBLEMS = 'https://aiguillage.example/problems';
const REPLY = 'J’ai réexaminé cette formation : elle reste adaptée à votre projet, parlons-en jeudi.';

type Contests = { count: number; lastAt: string | null; unanswered: number };

/**
 * The person who contests a suggestion is told their counselor will look at it again (GDPR Art.
 * 22(3), AI Act Art. 86): the counselor answers the contest, the set and the queue tell which
 * contests are still unanswered, and the person reads the reply.
 */
describe('a reply to a contest (POST /v1/recommendations/{setId}/items/{itemId}/contest-reply)', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;
  let seeker: string;
  let admin: string;
  let setId: string;
  let contestedItem: string;
  let otherItem: string;

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
    seeker = await t.tokenFor('job_seeker', 'js-1');
    admin = await t.tokenFor('admin', 'ops-1');
    setId = (await createAndPublish(t, counselor, 'js-1', { approve: 2 })).id;
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    [contestedItem, otherItem] = (mine.body.items as Array<{ itemId: string }>).map(
      (item) => item.itemId,
    ) as [string, string];
    clock.advance(HOUR);
    await contest(contestedItem);
    clock.advance(HOUR);
    await contest(contestedItem);
    clock.advance(HOUR);
  });
  afterAll(() => t.close());

  async function contest(itemId: string): Promise<void> {
    const res = await t.http
      .post(`/v1/me/recommendations/${itemId}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .send({ response: 'contest', comment: 'Je ne comprends pas ce choix' });
    expect(res.status).toBe(201);
  }

  function reply(token: string, itemId: string, body: Record<string, unknown> = { message: REPLY }) {
    return t.http
      .post(`/v1/recommendations/${setId}/items/${itemId}/contest-reply`)
      .auth(token, { type: 'bearer' })
      .send(body);
  }

  async function readContests(token = counselor): Promise<{ contests: Contests; allowedActions: string[] }> {
    const res = await t.http.get(`/v1/recommendations/${setId}`).auth(token, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.body as { contests: Contests; allowedActions: string[] };
  }

  async function queueContests(): Promise<Contests | undefined> {
    const res = await t.http.get('/v1/recommendations?contested=true').auth(counselor, { type: 'bearer' });
    expect(res.status).toBe(200);
    return (res.body.items as Array<{ id: string; contests: Contests }>).find((set) => set.id === setId)
      ?.contests;
  }

  /** The replies kept, on either engine (PostgreSQL counts as text). */
  async function countReplies(): Promise<number> {
    const row = await t.container.db('contest_replies').count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  async function readLog(): Promise<RecordedDecisionEvent[]> {
    const events: RecordedDecisionEvent[] = [];
    for await (const event of t.container.decisionLog.decisionLog.streamEvents()) events.push(event);
    return events;
  }

  it('counts the contests no reply answered on the set and in the queue, and offers the reply', async () => {
    const read = await readContests();
    expect(read.contests).toMatchObject({ count: 2, unanswered: 2 });
    expect(read.allowedActions).toEqual(['retract', 'reply_to_contest']);
    expect(await queueContests()).toMatchObject({ count: 2, unanswered: 2 });
  });

  it('refuses a reply from the job seeker (403) and from a counselor who does not hold the person (404)', async () => {
    expect((await reply(seeker, contestedItem)).status).toBe(403);
    const res = await reply(otherCounselor, contestedItem);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await readContests()).contests.unanswered).toBe(2);
  });

  it('refuses a reply without a message that shows (400 without one, 422 blank), keeping nothing', async () => {
    expect((await reply(counselor, contestedItem, {})).status).toBe(400);
    const blank = await reply(counselor, contestedItem, { message: ' \u200b ' });
    expect(blank.status).toBe(422);
    expect(blank.body.field).toBe('message');
    expect(await countReplies()).toBe(0);
  });

  it('refuses a message that seems to mention sensitive information until the counselor confirms it (422)', async () => {
    const res = await reply(counselor, contestedItem, {
      message: 'Vu votre grossesse, je maintiens ce choix.',
    });
    expect(res.status).toBe(422);
    expect(res.body.type).toBe(`${PROBLEMS}/sensitive-terms`);
    expect(res.body.warnings).toEqual([
      expect.objectContaining({ code: 'sensitive_term', field: 'message' }),
    ]);
    expect((await readContests()).contests.unanswered).toBe(2);
  });

  it('screens the message after the set’s access and the reply’s own rule, as a publication’s (records 0020, 0021): 404 for a counselor who does not hold the person, 409 with no contest to answer, whatever the message says', async () => {
    const flagged = { message: 'Vu votre grossesse, je maintiens ce choix.' };
    const foreign = await reply(otherCounselor, contestedItem, flagged);
    expect(foreign.status, foreign.text).toBe(404);
    const uncontested = await reply(counselor, otherItem, flagged);
    expect(uncontested.status, uncontested.text).toBe(409);
    expect(uncontested.body.type).toBe(`${PROBLEMS}/no-contest-to-answer`);
    expect((await readContests()).contests.unanswered).toBe(2);
    expect(await countReplies()).toBe(0);
  });

  it('refuses a reply about a course the person never contested (409 no-contest-to-answer)', async () => {
    const res = await reply(counselor, otherItem);
    expect(res.status).toBe(409);
    expect(res.body.type).toBe(`${PROBLEMS}/no-contest-to-answer`);
  });

  it('tells a counselor replying about a course never contested that the person has not contested it, not of a reply never written', async () => {
    const res = await reply(counselor, otherItem);
    expect(res.status).toBe(409);
    expect(res.body.detail).toBe(
      "no contest of this course to answer: the person has not contested it; the set's contests count those to answer (GET /v1/recommendations/" +
        setId +
        ')',
    );
  });

  it('answers every contest of the course given before it, logs it with the message sealed, and leaves the set as it was', async () => {
    const before = await t.http.get(`/v1/recommendations/${setId}`).auth(counselor, { type: 'bearer' });
    const res = await reply(counselor, contestedItem);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      setId,
      itemId: contestedItem,
      message: REPLY,
      answeredContests: 2,
      contests: { count: 2, unanswered: 0 },
    });
    const after = await readContests();
    expect(after.contests).toMatchObject({ count: 2, unanswered: 0 });
    expect(after.allowedActions).toEqual(['retract']);
    expect(await queueContests()).toMatchObject({ count: 2, unanswered: 0 });
    const again = await t.http.get(`/v1/recommendations/${setId}`).auth(counselor, { type: 'bearer' });
    expect(again.headers.etag).toBe(before.headers.etag);

    const [event] = (await readLog()).filter((recorded) => recorded.type === 'contest.replied');
    expect(event?.payload).toEqual({ setId, itemId: contestedItem, answeredContests: 2 });
    expect(event?.personal).toEqual(expect.any(String));
    expect(JSON.stringify(event)).not.toContain('jeudi');
  });

  it('refuses a second reply while no contest came since (409), and answers a contest given after it', async () => {
    const twice = await reply(counselor, contestedItem);
    expect(twice.status).toBe(409);
    expect(twice.body.type).toBe(`${PROBLEMS}/no-contest-to-answer`);
    clock.advance(HOUR);
    await contest(contestedItem);
    expect((await readContests()).contests).toMatchObject({ count: 3, unanswered: 1 });
    clock.advance(HOUR);
    const res = await reply(counselor, contestedItem, {
      message: 'Je maintiens ce choix ; nous pouvons en reparler.',
    });
    expect(res.status).toBe(201);
    expect(res.body.answeredContests).toBe(1);
  });

  it('tells a counselor replying again which reply answered the contests already, and when', async () => {
    const last = await reply(counselor, contestedItem, { message: 'Un dernier mot sur cette formation.' });
    expect(last.status).toBe(409);
    // The clock has not moved since the reply that answered the contest given after the first.
    expect(last.body.detail).toBe(
      `no contest of this course to answer: every contest the person made of it was answered, the latest reply written at ${clock.now().toISOString()}; a contest they make after it awaits another reply`,
    );
  });

  it('shows the person the replies in the course explanation and in their data export', async () => {
    const explanation = await t.http
      .get(`/v1/me/recommendations/${contestedItem}/explanation`)
      .auth(seeker, { type: 'bearer' });
    expect(explanation.status).toBe(200);
    expect(explanation.body.contestReplies.map((r: { message: string }) => r.message)).toEqual([
      REPLY,
      'Je maintiens ce choix ; nous pouvons en reparler.',
    ]);
    const other = await t.http
      .get(`/v1/me/recommendations/${otherItem}/explanation`)
      .auth(seeker, { type: 'bearer' });
    expect(other.body.contestReplies).toEqual([]);

    const data = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
    expect(data.status).toBe(200);
    expect(data.body.contestReplies).toEqual([
      expect.objectContaining({ itemId: contestedItem, message: REPLY }),
      expect.objectContaining({ itemId: contestedItem }),
    ]);
    expect(JSON.stringify(data.body.contestReplies)).not.toContain('c-001');
  });

  it('tells the person in their data export which reply answered each of their contests', async () => {
    const data = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
    expect(data.status).toBe(200);
    const [first, second] = data.body.contestReplies as Array<{ id: string }>;
    const feedback = data.body.feedback as Array<{ response: string; answeredBy: string | null }>;
    // The first reply answered the two contests given before it, the second the one given after it.
    expect(
      feedback.filter((answer) => answer.response === 'contest').map((answer) => answer.answeredBy),
    ).toEqual([first?.id, first?.id, second?.id]);
    expect(
      feedback
        .filter((answer) => answer.response !== 'contest')
        .every((answer) => answer.answeredBy === null),
    ).toBe(true);
  });

  it('lists the replies in the access record', async () => {
    const res = await requestAccessRecord(t, admin, 'js-1', 'DSAR-2026-0777');
    expect(res.status).toBe(200);
    expect(res.body.contestReplies).toHaveLength(2);
    expect(res.body.contestReplies[0]).toMatchObject({ itemId: contestedItem, message: REPLY });
  });

  it('is answered, once the person moved, by the counselor now holding them; the one before is told the person left them (409)', async () => {
    clock.advance(HOUR);
    await contest(otherItem);
    await syncSeeker(t, 'js-1', aWorkflowSeeker({ counselorId: 'c-002' }));
    const former = await reply(counselor, otherItem);
    expect(former.status).toBe(409);
    expect(former.body.type).toBe(`${PROBLEMS}/no-longer-on-caseload`);
    expect((await readContests(otherCounselor)).allowedActions).toEqual(['retract', 'reply_to_contest']);
    clock.advance(HOUR);
    const res = await reply(otherCounselor, otherItem, {
      message: 'Votre nouvelle conseillère a relu ce choix.',
    });
    expect(res.status).toBe(201);
    await syncSeeker(t, 'js-1', aWorkflowSeeker({ counselorId: 'c-001' }));
  });

  it('deletes the replies with the person when they are erased', async () => {
    expect(await countReplies()).toBe(3);
    const res = await eraseJobSeeker(t, admin, 'js-1');
    expect(res.status).toBe(204);
    expect(await countReplies()).toBe(0);
    const [erased] = (await readLog()).filter((recorded) => recorded.type === 'subject.erased');
    expect(erased?.payload).toMatchObject({ erased: { contestReplies: 3 } });
  });
});
