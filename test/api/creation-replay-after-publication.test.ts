import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  createSetByHand,
  decideAll,
  newIdempotencyKey,
  putSettings,
  readSecondReviewDraw,
  readSet,
  reopenAsLeftBeforeWithdrawal,
  requestManualSet,
  requestSet,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;

/**
 * A counselor's tool that retries a creation (a timeout, a lost answer) gets the first answer again,
 * whatever happened to the set since: what the person did with it once published, and what its
 * publication took over, belong to the set as it is now, not to the answer its creation gave.
 */
describe('a retried creation after the set was published', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('replays no contest, as the creation answered, after the person contested a published course', async () => {
    await syncSeeker(t, 'js-contests');
    const key = newIdempotencyKey();
    const first = await requestSet(t, counselor, 'js-contests', { idempotencyKey: key, limit: 2 });
    expect(first.status).toBe(201);
    const { etag } = await decideAll(t, counselor, first.body.id, { approve: 1 });
    expect((await act(t, counselor, first.body.id, 'publish', etag)).status).toBe(200);
    const seeker = await t.tokenFor('job_seeker', 'js-contests');
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    const itemId = (mine.body.items as Array<{ itemId: string }>)[0]?.itemId;
    clock.advance(HOUR);
    const contested = await t.http
      .post(`/v1/me/recommendations/${itemId}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .send({ response: 'contest', comment: 'Je ne comprends pas ce choix' });
    expect(contested.status).toBe(201);

    const again = await requestSet(t, counselor, 'js-contests', { idempotencyKey: key, limit: 2 });
    expect(again.status).toBe(201);
    expect(again.body.contests).toEqual(first.body.contests);
    expect(again.body).toEqual(first.body);
  });

  it('replays the second review the creation answered, not the one its publication took over from a drawn set', async () => {
    // Sets by hand, the first put back open once the later one withdrew it, as sets of one person
    // left open side by side before that rule are.
    await syncSeeker(t, 'js-owed');
    const key = newIdempotencyKey();
    await putSettings(t, { aiEnabled: false });
    const first = await requestManualSet(t, counselor, 'js-owed', key);
    await putSettings(t, {});
    expect(first.status).toBe(201);
    expect(first.body.secondReview.required).toBeNull();
    expect(await readSecondReviewDraw(t, first.body.id)).toBe(false);
    // A later set, drawn, still open: the first set's publication takes over its second review.
    await createSetByHand(t, counselor, 'js-owed', ['LYON-AS-2'], { secondReviewRate: 1 });
    await reopenAsLeftBeforeWithdrawal(t, first.body.id, 'pending_review');
    const { etag } = await readSet(t, counselor, first.body.id);
    const added = await act(t, counselor, first.body.id, 'items', etag, {
      courseId: 'LYON-AS-1',
      reason: 'Choisie avec la personne en entretien',
    });
    expect(added.status).toBe(201);
    const handed = await act(t, counselor, first.body.id, 'publish', String(added.headers.etag));
    expect(handed.body.status).toBe('awaiting_second_review');
    expect(handed.body.secondReview.required).toBe(true);

    const again = await requestManualSet(t, counselor, 'js-owed', key);
    expect(again.status).toBe(201);
    expect(again.body.secondReview).toEqual(first.body.secondReview);
    expect(again.body).toEqual(first.body);
  });
});
