import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGate } from '../support/gate.ts';
import type { TestApp } from '../support/test-app.ts';
import { createAndPublish, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;

describe('a contest kept after a reply it raced', () => {
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
    itemId = mine.body.items[0].itemId as string;
  });
  afterAll(() => t.close());

  const contest = () =>
    t.http
      .post(`/v1/me/recommendations/${itemId}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .send({ response: 'contest', comment: 'Non' });

  it('a contest sent while a reply is being written is not counted answered by that reply', async () => {
    clock.advance(HOUR);
    expect((await contest()).status).toBe(201);
    clock.advance(HOUR);
    // The second contest takes its time, then waits for the log's lock while the reply commits.
    const log = t.container.decisionLog.decisionLog;
    const original = log.withTransaction.bind(log);
    const gate = createGate();
    let held = true;
    (log as { withTransaction: typeof log.withTransaction }).withTransaction = (async (work: never) => {
      if (held) {
        held = false;
        await gate.opened;
      }
      return original(work);
    }) as typeof log.withTransaction;
    const late = contest().then((res) => res);
    await new Promise((r) => setTimeout(r, 200));
    clock.advance(60_000);
    const reply = await t.http
      .post(`/v1/recommendations/${setId}/items/${itemId}/contest-reply`)
      .auth(counselor, { type: 'bearer' })
      .send({ message: 'Je maintiens ce choix.' });
    expect(reply.status).toBe(201);
    expect(reply.body.answeredContests).toBe(1);
    gate.open();
    expect((await late).status).toBe(201);
    (log as { withTransaction: typeof log.withTransaction }).withTransaction = original;
    const read = await t.http.get(`/v1/recommendations/${setId}`).auth(counselor, { type: 'bearer' });
    expect(read.body.contests.count).toBe(2);
    // The second contest was never seen by the reply (answeredContests: 1), so it is still to answer.
    expect(read.body.contests.unanswered).toBe(1);
  });
});
