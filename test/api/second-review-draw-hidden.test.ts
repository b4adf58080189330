import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  createSet,
  decideAll,
  putSettings,
  readSecondReviewDraw,
  readSet,
  type SetBody,
  syncSeeker,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A sample check works only if the checked cannot tell what is sampled: the set's counselor learns
 * whether it goes to a second review when they ask to publish it, not before (record 0003).
 */
describe('the second-review draw, as the first reviewer sees it', () => {
  let t: TestApp;
  let counselor: string;
  let otherCounselor: string;

  beforeAll(async () => {
    ({ t, counselor, otherCounselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  /** A set of `seekerId` made at `secondReviewRate` (1: drawn, 0: not drawn), with its answer's ETag. */
  async function aSetAtRate(seekerId: string, secondReviewRate: number) {
    await syncSeeker(t, seekerId);
    await putSettings(t, { secondReviewRate });
    try {
      return await createSet(t, counselor, seekerId);
    } finally {
      await putSettings(t, {});
    }
  }

  /** What a body says with the set's, the person's and the items' ids put aside. */
  function withoutIds(body: unknown, set: SetBody): unknown {
    let text = JSON.stringify(body).replaceAll(set.id, '<set>').replaceAll(set.seekerId, '<person>');
    set.items.forEach((item, index) => {
      text = text.replaceAll(item.itemId, `<item ${index}>`);
    });
    return JSON.parse(text);
  }

  /** The counselor's queue filtered by `query`, as the ids of the sets it lists. */
  async function listSetIds(token: string, query: string): Promise<string[]> {
    const res = await t.http.get(`/v1/recommendations?${query}`).auth(token, { type: 'bearer' });
    expect(res.status).toBe(200);
    return (res.body.items as Array<{ id: string }>).map((summary) => summary.id);
  }

  async function listSummary(seekerId: string, set: SetBody): Promise<unknown> {
    const res = await t.http
      .get(`/v1/recommendations?seekerId=${seekerId}`)
      .auth(counselor, { type: 'bearer' });
    expect(res.status).toBe(200);
    return withoutIds(res.body, set);
  }

  it('the first reviewer cannot tell a drawn set from one not drawn before publishing', async () => {
    const drawn = await aSetAtRate('js-drawn', 1);
    const notDrawn = await aSetAtRate('js-not-drawn', 0);
    expect(await readSecondReviewDraw(t, drawn.set.id)).toBe(true);
    expect(await readSecondReviewDraw(t, notDrawn.set.id)).toBe(false);

    // The creation answer: the same set, nothing said of the draw, the same ETag.
    expect(drawn.set.secondReview.required).toBeNull();
    expect(withoutIds(drawn.set, drawn.set)).toEqual(withoutIds(notDrawn.set, notDrawn.set));
    expect(drawn.etag).toBe(notDrawn.etag);

    // The read, before and once every item is decided (publishing is then allowed to both alike).
    const drawnRead = await readSet(t, counselor, drawn.set.id);
    const notDrawnRead = await readSet(t, counselor, notDrawn.set.id);
    expect(withoutIds(drawnRead.set, drawn.set)).toEqual(withoutIds(notDrawnRead.set, notDrawn.set));
    expect(drawnRead.etag).toBe(notDrawnRead.etag);
    const drawnDecided = await decideAll(t, counselor, drawn.set.id, { approve: 1 });
    const notDrawnDecided = await decideAll(t, counselor, notDrawn.set.id, { approve: 1 });
    expect(drawnDecided.set.allowedActions).toContain('publish');
    expect(withoutIds(drawnDecided.set, drawn.set)).toEqual(withoutIds(notDrawnDecided.set, notDrawn.set));
    expect(drawnDecided.etag).toBe(notDrawnDecided.etag);

    // The queue, and its filters: neither is listed as awaiting a second review, by anyone.
    expect(await listSummary('js-drawn', drawn.set)).toEqual(await listSummary('js-not-drawn', notDrawn.set));
    for (const query of ['status=awaiting_second_review', 'queue=second_review']) {
      for (const token of [counselor, otherCounselor]) {
        const listed = await listSetIds(token, query);
        expect(listed).not.toContain(drawn.set.id);
        expect(listed).not.toContain(notDrawn.set.id);
      }
    }
    const pending = await listSetIds(counselor, 'status=pending_review');
    expect(pending).toEqual(expect.arrayContaining([drawn.set.id, notDrawn.set.id]));
  });

  it('publishing a drawn set tells the counselor it awaits a second reviewer', async () => {
    const drawn = await aSetAtRate('js-drawn-published', 1);
    const notDrawn = await aSetAtRate('js-not-drawn-published', 0);

    const handed = await act(
      t,
      counselor,
      drawn.set.id,
      'publish',
      (await decideAll(t, counselor, drawn.set.id)).etag,
    );
    expect(handed.status).toBe(200);
    expect(handed.body).toMatchObject({
      status: 'awaiting_second_review',
      secondReview: { required: true, firstReviewerId: 'c-001' },
    });
    expect((await readSet(t, counselor, drawn.set.id)).set.secondReview.required).toBe(true);
    expect((await readSet(t, otherCounselor, drawn.set.id)).set.secondReview.required).toBe(true);

    const published = await act(
      t,
      counselor,
      notDrawn.set.id,
      'publish',
      (await decideAll(t, counselor, notDrawn.set.id)).etag,
    );
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ status: 'published', secondReview: { required: false } });
  });

  it('a set owing the second review of a discarded drawn set looks to its counselor like any other until published', async () => {
    const drawn = await aSetAtRate('js-owing', 1);
    const { etag } = await readSet(t, counselor, drawn.set.id);
    const discarded = await act(t, counselor, drawn.set.id, 'discard', etag, { reason: 'Je recommence' });
    expect(discarded.status).toBe(200);
    // The discarded set does not say it was drawn either: the person's next set owes its review.
    expect(discarded.body.secondReview.required).toBeNull();
    expect((await readSet(t, counselor, drawn.set.id)).set.secondReview.required).toBeNull();

    const owing = await createSet(t, counselor, 'js-owing');
    const notOwing = await aSetAtRate('js-not-owing', 0);
    expect(await readSecondReviewDraw(t, owing.set.id)).toBe(true);
    expect(owing.set.secondReview).toEqual(notOwing.set.secondReview);
    expect(owing.set.allowedActions).toEqual(notOwing.set.allowedActions);
    expect(owing.set.caveats).toEqual(notOwing.set.caveats);
    expect(owing.etag).toBe(notOwing.etag);
    const owingRead = await readSet(t, counselor, owing.set.id);
    expect(owingRead.set.secondReview).toEqual(
      (await readSet(t, counselor, notOwing.set.id)).set.secondReview,
    );

    const decided = await decideAll(t, counselor, owing.set.id, { approve: 1 });
    const handed = await act(t, counselor, owing.set.id, 'publish', decided.etag);
    expect(handed.body).toMatchObject({ status: 'awaiting_second_review', secondReview: { required: true } });
  });
});
