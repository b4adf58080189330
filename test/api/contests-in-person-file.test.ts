import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { components } from '../../src/http/generated/api.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  aWorkflowSeeker,
  createAndPublish,
  eraseJobSeeker,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;
const REPLY = 'J’ai réexaminé cette formation : elle reste adaptée à votre projet, parlons-en jeudi.';

/** A contest as the contract gives it in the person's file. */
type PersonContest = components['schemas']['PersonContest'];

/**
 * The person's file is where their counselor looks first: it shows the contests still to answer and
 * those answered, with the reply, to the person's counselor only.
 */
describe("the person's contests in their file (GET /v1/job-seekers/{seekerId})", () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;
  let seeker: string;
  let setId: string;
  let items: Array<{ itemId: string; courseId: string; title: string }>;

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
    seeker = await t.tokenFor('job_seeker', 'js-1');
    setId = (await createAndPublish(t, counselor, 'js-1', { approve: 2 })).id;
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    items = (mine.body.items as Array<{ itemId: string; course: { id: string; title: string } }>).map(
      (item) => ({ itemId: item.itemId, courseId: item.course.id, title: item.course.title }),
    );
  });
  afterAll(() => t.close());

  function contest(itemId: string, comment: string) {
    clock.advance(HOUR);
    return t.http
      .post(`/v1/me/recommendations/${itemId}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .send({ response: 'contest', comment });
  }

  function reply(token: string, itemId: string) {
    clock.advance(HOUR);
    return t.http
      .post(`/v1/recommendations/${setId}/items/${itemId}/contest-reply`)
      .auth(token, { type: 'bearer' })
      .send({ message: REPLY });
  }

  function readFile(token: string, seekerId = 'js-1') {
    return t.http.get(`/v1/job-seekers/${seekerId}`).auth(token, { type: 'bearer' });
  }

  async function readContests(token: string): Promise<PersonContest[]> {
    const res = await readFile(token);
    expect(res.status).toBe(200);
    return res.body.contests as PersonContest[];
  }

  it("shows the person's unanswered contests, then each answered one with its reply", async () => {
    const [first, second] = items as [(typeof items)[number], (typeof items)[number]];
    expect(await readContests(counselor)).toEqual([]);
    expect((await contest(first.itemId, 'Je ne comprends pas ce choix')).status).toBe(201);
    expect((await contest(second.itemId, 'Trop loin de chez moi')).status).toBe(201);

    const unanswered = await readContests(counselor);
    expect(unanswered).toEqual([
      expect.objectContaining({ setId, ...first, comment: 'Je ne comprends pas ce choix', reply: null }),
      expect.objectContaining({ setId, ...second, comment: 'Trop loin de chez moi', reply: null }),
    ]);

    const replied = await reply(counselor, first.itemId);
    expect(replied.status).toBe(201);
    const [answered, waiting] = (await readContests(counselor)) as [PersonContest, PersonContest];
    expect(answered.reply).toEqual({
      id: replied.body.id,
      itemId: first.itemId,
      message: REPLY,
      createdAt: replied.body.createdAt,
      repliedBy: 'c-001',
    });
    expect(waiting).toEqual(unanswered[1]);
  });

  it('names the counselor who wrote each reply, as a decision names who decided', async () => {
    const [answered, waiting] = (await readContests(counselor)) as [PersonContest, PersonContest];
    expect(answered.reply?.repliedBy).toBe('c-001');
    expect(waiting.reply).toBeNull();
  });

  it("pages the person's contests, oldest first, as the other lists are paged", async () => {
    const [first, second] = items as [(typeof items)[number], (typeof items)[number]];
    expect((await contest(first.itemId, 'Toujours pas convaincu')).status).toBe(201);
    expect((await contest(second.itemId, 'Les horaires ne vont pas')).status).toBe(201);
    expect((await contest(second.itemId, 'Et le transport ?')).status).toBe(201);
    const whole = await readFile(counselor);
    expect(whole.body.contests).toHaveLength(5);
    expect(whole.body.contestsNextCursor).toBeNull();

    const pages: PersonContest[][] = [];
    let cursor: string | undefined;
    do {
      const res = await readFile(counselor).query({ limit: 2, ...(cursor === undefined ? {} : { cursor }) });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe('js-1');
      pages.push(res.body.contests as PersonContest[]);
      cursor = (res.body.contestsNextCursor as string | null) ?? undefined;
    } while (cursor !== undefined);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(whole.body.contests);

    const tooMany = await readFile(counselor).query({ limit: 201 });
    expect(tooMany.status).toBe(400);
  });

  it("refuses a cursor of the person's contests sent by another counselor or for another person", async () => {
    const first = await readFile(counselor).query({ limit: 1 });
    const cursor = first.body.contestsNextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    await syncSeeker(t, 'js-2', aWorkflowSeeker());
    const otherPerson = await readFile(counselor, 'js-2').query({ limit: 1, cursor });

    await syncSeeker(t, 'js-1', aWorkflowSeeker({ counselorId: 'c-002' }));
    const otherCounselorRead = await readFile(otherCounselor).query({ limit: 1, cursor });
    await syncSeeker(t, 'js-1', aWorkflowSeeker());

    for (const res of [otherPerson, otherCounselorRead]) {
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors).toEqual([
        { path: '/query/cursor', message: expect.stringMatching(/^belongs to another query: /) },
      ]);
    }
  });

  it('shows the person who moved the previous counselor’s replies, to the new counselor only', async () => {
    await syncSeeker(t, 'js-1', aWorkflowSeeker({ counselorId: 'c-002' }));
    const seenByNew = await readContests(otherCounselor);
    expect(seenByNew.map((kept) => kept.reply?.message ?? null)).toEqual([REPLY, null, null, null, null]);

    const previous = await readFile(counselor);
    const missing = await readFile(counselor, 'js-never-synced');
    expect(previous.status).toBe(404);
    expect(previous.body.contests).toBeUndefined();
    expect({ ...previous.body, detail: undefined, instance: undefined }).toEqual({
      ...missing.body,
      detail: undefined,
      instance: undefined,
    });
    await syncSeeker(t, 'js-1', aWorkflowSeeker());
  });

  it('refuses the file to an auditor and an admin, as the rules of the route say', async () => {
    for (const role of ['auditor', 'admin'] as const) {
      const res = await readFile(await t.tokenFor(role, `${role}-1`));
      expect(res.status).toBe(403);
      expect(res.body.contests).toBeUndefined();
    }
  });

  it('shows nothing of a person erased and enrolled again, and refuses a cursor given before', async () => {
    expect((await readContests(counselor)).length).toBeGreaterThan(0);
    const before = (await readFile(counselor).query({ limit: 1 })).body.contestsNextCursor as string;
    expect(before).toEqual(expect.any(String));
    const admin = await t.tokenFor('admin', 'ops-1');
    expect((await eraseJobSeeker(t, admin, 'js-1')).status).toBe(204);
    expect((await readFile(counselor)).status).toBe(404);
    await syncSeeker(t, 'js-1', aWorkflowSeeker(), { reEnrol: true });
    expect(await readContests(counselor)).toEqual([]);

    const stale = await readFile(counselor).query({ limit: 1, cursor: before });
    expect(stale.status, stale.text).toBe(400);
    expect(stale.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(stale.body.errors).toEqual([
      { path: '/query/cursor', message: expect.stringMatching(/^belongs to another query: /) },
    ]);
  });
});
