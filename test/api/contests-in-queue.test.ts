import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { createAndPublish, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;

type Summary = { id: string; contests: { count: number; lastAt: string | null; unanswered: number } };

/**
 * The person is told their counselor « la réexaminera » when they contest a suggestion. A contest on
 * a course of a set replaced since, before the counselor replied, must still reach the counselor
 * where they work, without their reading every set's answers: the queue and the set count it, and
 * the queue lists the sets with one.
 */
describe('a contest on a course of a set replaced since', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;
  let first: { id: string };
  let second: { id: string };
  let contestedAt: string;

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
    const seeker = await t.tokenFor('job_seeker', 'js-1');
    first = await createAndPublish(t, counselor, 'js-1', { approve: 2 });
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    const [firstItem, secondItem] = mine.body.items as Array<{ itemId: string }>;
    const answer = (itemId: string | undefined, response: string) =>
      t.http
        .post(`/v1/me/recommendations/${itemId}/feedback`)
        .auth(seeker, { type: 'bearer' })
        .send({ response, comment: 'Cette formation ne correspond pas à mon projet' });
    // The person contests a course while its set is the one they see; a later set replaces it before
    // the counselor replies.
    clock.advance(HOUR);
    contestedAt = clock.now().toISOString();
    expect((await answer(firstItem?.itemId, 'contest')).status).toBe(201);
    clock.advance(HOUR);
    second = await createAndPublish(t, counselor, 'js-1', { approve: 1 });
    clock.advance(HOUR);
    // An answer about a course of the replaced set is still kept (a contest of it is refused:
    // test/api/replaced-set-items.test.ts), and counts as no contest.
    expect((await answer(secondItem?.itemId, 'interested')).status).toBe(201);
  });
  afterAll(() => t.close());

  async function queue(token: string, query: string): Promise<Summary[]> {
    const res = await t.http.get(`/v1/recommendations?${query}`).auth(token, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.body.items as Summary[];
  }

  it("is counted, with its time, on the set's line of the counselor's queue", async () => {
    const sets = await queue(counselor, 'seekerId=js-1');
    expect(sets.map((set) => [set.id, set.contests])).toEqual([
      [second.id, { count: 0, lastAt: null, unanswered: 0 }],
      [first.id, { count: 1, lastAt: contestedAt, unanswered: 1 }],
    ]);
  });

  it('is counted on the set the counselor reads', async () => {
    const res = await t.http.get(`/v1/recommendations/${first.id}`).auth(counselor, { type: 'bearer' });
    expect(res.status).toBe(200);
    expect(res.body.contests).toEqual({ count: 1, lastAt: contestedAt, unanswered: 1 });
  });

  it('lists the contested sets alone with contested=true, and the others with contested=false', async () => {
    expect((await queue(counselor, 'contested=true')).map((set) => set.id)).toEqual([first.id]);
    expect((await queue(counselor, 'contested=false&seekerId=js-1')).map((set) => set.id)).toEqual([
      second.id,
    ]);
  });

  it('shows nothing of it to a counselor whose caseload does not hold the person', async () => {
    expect(await queue(otherCounselor, 'contested=true')).toEqual([]);
    const res = await t.http.get(`/v1/recommendations/${first.id}`).auth(otherCounselor, { type: 'bearer' });
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toMatch(/contest/i);
  });

  it('refuses a cursor given with another contested filter (400)', async () => {
    const page = await t.http.get('/v1/recommendations?limit=1').auth(counselor, { type: 'bearer' });
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const res = await t.http
      .get(`/v1/recommendations?limit=1&contested=true&cursor=${encodeURIComponent(page.body.nextCursor)}`)
      .auth(counselor, { type: 'bearer' });
    expect(res.status).toBe(400);
  });
});
