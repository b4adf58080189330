import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  approveAfterReading,
  createSet,
  createSetByHand,
  decideAll,
  putSettings,
  readSecondReviewDraw,
  readSet,
  reopenAsLeftBeforeWithdrawal,
  requestManualSet,
  syncSeeker,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/** The draw for a second review cannot be had again by starting over. */
describe('the second review a set was drawn for', () => {
  let t: TestApp;
  let counselor: string;
  let otherCounselor: string;

  beforeAll(async () => {
    ({ t, counselor, otherCounselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  async function generatedEvent(setId: string) {
    const events = await t.container.decisionLog.decisionLog.listEvents({
      types: ['recommendation.generated', 'recommendation.created_manually'],
      limit: 1000,
    });
    return events.find((event) => event.payload.setId === setId);
  }

  /** A set of `seekerId` drawn for a second review (every set is, at rate 1). */
  async function aDrawnSet(seekerId: string) {
    await putSettings(t, { secondReviewRate: 1 });
    try {
      const { set } = await createSet(t, counselor, seekerId);
      expect(await readSecondReviewDraw(t, set.id)).toBe(true);
      return set;
    } finally {
      await putSettings(t, { secondReviewRate: 0 });
    }
  }

  it('is handed on to the next set when the counselor discards the drawn set and asks again, until one is published', async () => {
    await syncSeeker(t, 'js-redraw');
    const drawn = await aDrawnSet('js-redraw');
    const { etag } = await readSet(t, counselor, drawn.id);
    expect((await act(t, counselor, drawn.id, 'discard', etag, { reason: 'Je recommence' })).status).toBe(
      200,
    );

    // No set is drawn any more (rate 0), yet the next one owes the discarded set's second review.
    const next = (await createSet(t, counselor, 'js-redraw')).set;
    // Owed, yet not told to its counselor before they publish it.
    expect(next.secondReview.required).toBeNull();
    expect((await generatedEvent(next.id))?.payload).toMatchObject({
      secondReviewRequired: true,
      secondReviewOwedBy: drawn.id,
    });

    const decided = await decideAll(t, counselor, next.id, { approve: 1 });
    const handed = await act(t, counselor, next.id, 'publish', decided.etag);
    expect(handed.body.status).toBe('awaiting_second_review');
    const approved = await approveAfterReading(t, otherCounselor, next.id);
    expect(approved.body.status).toBe('published');

    // Published with its second review: the debt is paid.
    const after = (await createSet(t, counselor, 'js-redraw')).set;
    expect((await generatedEvent(after.id))?.payload).toMatchObject({
      secondReviewRequired: false,
      secondReviewOwedBy: null,
    });
  });

  it('is owed by a drawn set still open when suggestions are asked again, which withdraws it, so that the new set cannot be published past it', async () => {
    await syncSeeker(t, 'js-two-sets');
    const drawn = await aDrawnSet('js-two-sets');

    const second = (await createSet(t, counselor, 'js-two-sets')).set;
    expect(await readSecondReviewDraw(t, second.id)).toBe(true);
    const decided = await decideAll(t, counselor, second.id, { approve: 1 });
    const handed = await act(t, counselor, second.id, 'publish', decided.etag);
    expect(handed.body.status).toBe('awaiting_second_review');
    expect((await generatedEvent(second.id))?.payload).toMatchObject({
      secondReviewOwedBy: drawn.id,
      withdrawnSetIds: [drawn.id],
    });
  });

  it('is owed by a drawn set made after an older set, so that the older one cannot be published past it', async () => {
    // The drawn set withdraws the older one, put back open as two sets of one person left before
    // that rule are.
    await syncSeeker(t, 'js-older-set');
    const { set: older } = await createSetByHand(t, counselor, 'js-older-set');
    expect(await readSecondReviewDraw(t, older.id)).toBe(false);
    const { set: drawn } = await createSetByHand(t, counselor, 'js-older-set', ['LYON-AS-2'], {
      secondReviewRate: 1,
    });
    expect(await readSecondReviewDraw(t, drawn.id)).toBe(true);
    await reopenAsLeftBeforeWithdrawal(t, older.id, 'pending_review');

    const { etag } = await readSet(t, counselor, older.id);
    const handed = await act(t, counselor, older.id, 'publish', etag);
    expect(handed.body.status).toBe('awaiting_second_review');
    expect(handed.body.secondReview.required).toBe(true);
    const events = await t.container.decisionLog.decisionLog.listEvents({
      types: ['second_review.requested'],
      limit: 1000,
    });
    expect(events.find((event) => event.payload.setId === older.id)?.payload).toMatchObject({
      secondReviewOwedBy: drawn.id,
    });
  });

  it('is owed by a set by hand too: starting one does not draw again', async () => {
    await syncSeeker(t, 'js-then-by-hand');
    const drawn = await aDrawnSet('js-then-by-hand');
    await putSettings(t, { secondReviewRate: 0, aiEnabled: false });
    try {
      const handMade = await requestManualSet(t, counselor, 'js-then-by-hand');
      expect(handMade.status).toBe(201);
      expect(handMade.body.secondReview.required).toBeNull();
      expect((await generatedEvent(handMade.body.id))?.payload).toMatchObject({
        secondReviewRequired: true,
        withdrawnSetIds: [drawn.id],
        secondReviewOwedBy: drawn.id,
      });
    } finally {
      await putSettings(t, { secondReviewRate: 0 });
    }
  });

  it('is paid by a set published after its second review, even once that set is retracted', async () => {
    await syncSeeker(t, 'js-retracted-draw');
    const drawn = await aDrawnSet('js-retracted-draw');
    const decided = await decideAll(t, counselor, drawn.id, { approve: 1 });
    const handed = await act(t, counselor, drawn.id, 'publish', decided.etag);
    expect(handed.body.status).toBe('awaiting_second_review');
    const approved = await approveAfterReading(t, otherCounselor, drawn.id);
    expect(approved.body.status).toBe('published');
    const retracted = await act(t, counselor, drawn.id, 'retract', String(approved.headers.etag), {
      reason: 'Erreur de saisie dans son projet.',
    });
    expect(retracted.body.status).toBe('retracted');

    const next = (await createSet(t, counselor, 'js-retracted-draw')).set;
    expect((await generatedEvent(next.id))?.payload).toMatchObject({
      secondReviewRequired: false,
      secondReviewOwedBy: null,
    });
  });
});
