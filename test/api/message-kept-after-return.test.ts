import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedDecisionEvent } from '../../src/decision-log/decision-event.ts';
import type { TestApp } from '../support/test-app.ts';
import { act, approveAfterReading, createSet, decideAll, putSettings, readSet } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const MESSAGE = 'Voici deux pistes dont nous parlerons jeudi.';
const FLAGGED_MESSAGE = 'Pensez à votre traitement contre le diabète avant la formation.';

/**
 * A counselor writes the message to the person when handing a set to its second review; the second
 * reviewer returns it, and the counselor, having fixed what was asked, hands it on again without
 * writing the message a second time. The person then got no message at all, though one was written:
 * a publication without `message` keeps the one written for the set, one with `message` replaces it,
 * and a blank one removes it.
 */
describe('the message to the person of a set returned by its second review', () => {
  let t: TestApp;
  let counselor: string;
  let otherCounselor: string;
  let seeker: string;

  beforeAll(async () => {
    ({ t, counselor, otherCounselor } = await startWorkflowApp());
    seeker = await t.tokenFor('job_seeker', 'js-1');
    await putSettings(t, { secondReviewRate: 1 });
  });
  afterAll(() => t.close());

  /** A set handed on with `message` (and the confirmation given), then returned to its counselor. */
  async function handOnAndReturn(
    message: string,
    acknowledge = false,
  ): Promise<{ setId: string; etag: string }> {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
    const { etag } = await decideAll(t, counselor, set.id, { approve: 1 });
    const handed = await act(t, counselor, set.id, 'publish', etag, {
      message,
      ...(acknowledge ? { acknowledgeSensitiveTerms: true } : {}),
    });
    expect(handed.body.status).toBe('awaiting_second_review');
    const { etag: read } = await readSet(t, otherCounselor, set.id);
    const returned = await act(t, otherCounselor, set.id, 'second-review', read, {
      decision: 'return',
      comment: 'Merci de revoir l’ordre des formations.',
    });
    expect(returned.status).toBe(200);
    return { setId: set.id, etag: String(returned.headers.etag) };
  }

  async function portalMessage(): Promise<string | null> {
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    expect(mine.status).toBe(200);
    return mine.body.message as string | null;
  }

  it('keeps the message written when the set was first handed on, when its counselor hands it on again without one', async () => {
    const { setId, etag } = await handOnAndReturn(MESSAGE);
    const handedAgain = await act(t, counselor, setId, 'publish', etag, {});
    expect(handedAgain.status).toBe(200);
    expect(handedAgain.body).toMatchObject({ status: 'awaiting_second_review', message: MESSAGE });

    const approved = await approveAfterReading(t, otherCounselor, setId);
    expect(approved.body).toMatchObject({ status: 'published', message: MESSAGE });
    expect(await portalMessage()).toBe(MESSAGE);
    // Sealed again with the hand-over that sent it on, as a message written then would be.
    const requested = await requestedEvents(setId);
    const sealed = await Promise.all(requested.map((event) => openPersonal(event)));
    expect(sealed).toEqual([
      { status: 'readable', value: { message: MESSAGE } },
      { status: 'readable', value: { message: MESSAGE } },
    ]);
  });

  it('replaces it with the message sent again, and removes it with a blank one', async () => {
    const replaced = await handOnAndReturn(MESSAGE);
    const handedAgain = await act(t, counselor, replaced.setId, 'publish', replaced.etag, {
      message: 'Nouvelle proposition après relecture.',
    });
    expect(handedAgain.body.message).toBe('Nouvelle proposition après relecture.');

    const removed = await handOnAndReturn(MESSAGE);
    const blank = await act(t, counselor, removed.setId, 'publish', removed.etag, { message: '  ' });
    expect(blank.status).toBe(200);
    expect(blank.body.message).toBeNull();
  });

  it('does not ask again to confirm a kept message the screening flags, and warns about it as the approval does', async () => {
    const { setId, etag } = await handOnAndReturn(FLAGGED_MESSAGE, true);
    const handedAgain = await act(t, counselor, setId, 'publish', etag, {});
    expect(handedAgain.status).toBe(200);
    expect(handedAgain.body.message).toBe(FLAGGED_MESSAGE);
    expect(handedAgain.body.warnings).toEqual([
      expect.objectContaining({ code: 'sensitive_term', field: 'message', terms: ['diabete'] }),
    ]);
    const requested = await requestedEvents(setId);
    expect(requested).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ sensitiveTermsAcknowledged: true }) }),
      expect.objectContaining({ payload: expect.objectContaining({ sensitiveTermsAcknowledged: true }) }),
    ]);
  });

  /** The set's hand-overs to its second review, oldest first. */
  async function requestedEvents(setId: string): Promise<RecordedDecisionEvent[]> {
    return (await t.container.decisionLog.decisionLog.listEvents({ limit: 1000 })).filter(
      (event) => event.type === 'second_review.requested' && event.payload.setId === setId,
    );
  }

  async function openPersonal(event: RecordedDecisionEvent): Promise<unknown> {
    if (event.personal === null) return undefined;
    return t.container.decisionLog.subjectKeyring.decryptPersonal(event.personal);
  }
});
