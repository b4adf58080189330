import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/**
 * A reply whose answer was lost is sent again with the same Idempotency-Key: it answers the first
 * answer again rather than 409 `no-contest-to-answer`, and nothing is kept or logged twice.
 */
describe('a reply to a contest retried with its Idempotency-Key', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let seeker: string;
  let setId: string;
  let itemId: string;

  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp());
    seeker = await t.tokenFor('job_seeker', 'js-1');
    setId = (await createAndPublish(t, counselor, 'js-1', { approve: 1 })).id;
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    itemId = String((mine.body.items as Array<{ itemId: string }>)[0]?.itemId);
    clock.advance(HOUR);
    await contest();
    clock.advance(HOUR);
  });
  afterAll(() => t.close());

  async function contest(): Promise<void> {
    const res = await t.http
      .post(`/v1/me/recommendations/${itemId}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .send({ response: 'contest', comment: 'Je ne comprends pas ce choix' });
    expect(res.status).toBe(201);
  }

  function reply(key: string | undefined, body: Record<string, unknown> = { message: REPLY }) {
    const req = t.http
      .post(`/v1/recommendations/${setId}/items/${itemId}/contest-reply`)
      .auth(counselor, { type: 'bearer' });
    return (key === undefined ? req : req.set('Idempotency-Key', key)).send(body);
  }

  async function countReplies(): Promise<number> {
    const row = await t.container.db('contest_replies').count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  async function countLogged(): Promise<number> {
    const events = await t.container.decisionLog.decisionLog.listEvents({ limit: 1000 });
    return events.filter((event) => event.type === 'contest.replied').length;
  }

  it('answers a reply retried with the same key and body as the first time, keeping and logging nothing twice', async () => {
    const first = await reply('reply-retry-0001');
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    clock.advance(60_000);
    const retried = await reply('reply-retry-0001');
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body).toEqual(first.body);
    expect(await countReplies()).toBe(1);
    expect(await countLogged()).toBe(1);
  });

  it('replays the reply retried with acknowledgeSensitiveTerms: false written out, the same request as without it', async () => {
    const retried = await reply('reply-retry-0001', { message: REPLY, acknowledgeSensitiveTerms: false });
    expect(retried.status, JSON.stringify(retried.body)).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(await countReplies()).toBe(1);
  });

  it('refuses the key sent again with another message (422 idempotency-key-reused), keeping nothing', async () => {
    const reused = await reply('reply-retry-0001', { message: `${REPLY} Autre texte.` });
    expect(reused.status).toBe(422);
    expect(reused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reused.body.type).toMatch(/problems\/idempotency-key-reused$/);
    expect(await countReplies()).toBe(1);
  });

  it('still refuses a second reply without a key, or with a new one, when nothing is unanswered', async () => {
    expect((await reply(undefined)).status).toBe(409);
    const fresh = await reply('reply-retry-0002');
    expect(fresh.status).toBe(409);
    expect(fresh.body.type).toMatch(/problems\/no-contest-to-answer$/);
  });

  it('deletes the key with the person on erasure, the reply it named being gone', async () => {
    const before = await t.container.db('idempotency_keys').where({ subject: 'c-001' });
    expect(before.some((row) => String(row.key) === 'reply-retry-0001')).toBe(true);
    expect(String(before.find((row) => String(row.key) === 'reply-retry-0001')?.response_body)).not.toContain(
      'réexaminé',
    );
    const admin = await t.tokenFor('admin', 'ops-1');
    const erased = await eraseJobSeeker(t, admin, 'js-1');
    expect(erased.status).toBe(204);
    const after = await t.container
      .db('idempotency_keys')
      .where({ subject: 'c-001', key: 'reply-retry-0001' });
    expect(after).toHaveLength(0);
  });

  it('answers the reply retried after the erasure as not found, replaying nothing of it', async () => {
    const retried = await reply('reply-retry-0001');
    expect(retried.status).toBe(404);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(JSON.stringify(retried.body)).not.toContain('réexaminé');
    expect(await countReplies()).toBe(0);
  });
});

/**
 * The reply was kept, its answer lost, and the person moved to another counselor before the retry:
 * the retry cannot answer as the first time (the set went with the person), but it must not read as
 * a reply refused, which the counselor would try to get to the person some other way.
 */
describe('a reply to a contest retried with its Idempotency-Key once the person moved', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('tells the counselor their reply was kept, not that they cannot reply, and keeps nothing twice', async () => {
    const seeker = await t.tokenFor('job_seeker', 'js-1');
    const setId = (await createAndPublish(t, counselor, 'js-1', { approve: 1 })).id;
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    const itemId = String((mine.body.items as Array<{ itemId: string }>)[0]?.itemId);
    const contested = await t.http
      .post(`/v1/me/recommendations/${itemId}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .send({ response: 'contest', comment: 'Je ne comprends pas ce choix' });
    expect(contested.status).toBe(201);
    const send = () =>
      t.http
        .post(`/v1/recommendations/${setId}/items/${itemId}/contest-reply`)
        .auth(counselor, { type: 'bearer' })
        .set('Idempotency-Key', 'reply-moved-0001')
        .send({ message: REPLY });
    const first = await send();
    expect(first.status).toBe(201);
    await syncSeeker(t, 'js-1', aWorkflowSeeker({ counselorId: 'c-002' }));

    const retried = await send();
    expect(retried.status).toBe(409);
    expect(retried.body.type).toMatch(/problems\/no-longer-on-caseload$/);
    expect(retried.body.detail).toContain(`your reply ${first.body.id} was kept`);
    expect(retried.body.detail).not.toContain('cannot reply');
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(await t.container.db('contest_replies').where({ item_id: itemId })).toHaveLength(1);

    // The counselor the person moved to replies in turn, and the person moves on again: their retry,
    // whom a missing set would answer otherwise, is told the same.
    const again = await t.http
      .post(`/v1/me/recommendations/${itemId}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .send({ response: 'contest', comment: 'Toujours pas convaincu' });
    expect(again.status).toBe(201);
    const next = await t.tokenFor('counselor', 'c-002');
    const sendByNext = () =>
      t.http
        .post(`/v1/recommendations/${setId}/items/${itemId}/contest-reply`)
        .auth(next, { type: 'bearer' })
        .set('Idempotency-Key', 'reply-moved-0002')
        .send({ message: REPLY });
    const theirs = await sendByNext();
    expect(theirs.status).toBe(201);
    await syncSeeker(t, 'js-1', aWorkflowSeeker({ counselorId: 'c-003' }));
    const theirRetry = await sendByNext();
    expect(theirRetry.status).toBe(409);
    expect(theirRetry.body.detail).toContain(`your reply ${theirs.body.id} was kept`);
    // Someone with no reply kept under the key is answered as before.
    const stranger = await sendByNext().set('Idempotency-Key', 'reply-moved-0003');
    expect(stranger.status).toBe(404);
  });
});
