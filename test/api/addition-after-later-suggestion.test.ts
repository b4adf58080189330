import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  createSet,
  decideAll,
  readSet,
  reopenAsLeftBeforeWithdrawal,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const MINUTE = 60_000;

type AddedItem = { itemId: string; source: string; earlierModelSuggestion: unknown };

/**
 * Two sets of the model's suggestions could be open for one person at once before asking for
 * suggestions withdrew the earlier ones, and such sets may still be. A counselor who reads the newer
 * one and adds one of its courses by hand to the older one publishes a course the model suggested
 * before the addition: the person must be told the AI had a part in it (record 0003).
 */
describe('a course added by hand after the model suggested it in a newer open set', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  /**
   * Makes two sets of suggestions for `seekerId`, `gap` ms apart, both open (the older one put back
   * as left before the newer one's creation withdrew it); the newer one suggests more.
   */
  async function twoOpenSets(seekerId: string, gap: number) {
    const { set: older } = await createSet(t, counselor, seekerId, { limit: 2 });
    const olderCourses = older.items.map((item) => item.course.id);
    clock.advance(gap);
    const { set: newer } = await createSet(t, counselor, seekerId, { limit: 5 });
    await reopenAsLeftBeforeWithdrawal(t, older.id, 'pending_review');
    const seenInNewer = newer.items.map((item) => item.course.id).find((id) => !olderCourses.includes(id));
    expect(seenInNewer).toBeDefined();
    return { older, newer, seenInNewer: String(seenInNewer) };
  }

  async function addTo(setId: string, courseId: string): Promise<AddedItem> {
    const { etag } = await readSet(t, counselor, setId);
    const added = await act(t, counselor, setId, 'items', etag, {
      courseId,
      reason: 'Piste complémentaire vue avec elle',
    });
    expect(added.status).toBe(201);
    const addition = (added.body.items as AddedItem[]).find((item) => item.source === 'counselor');
    expect(addition).toBeDefined();
    return addition as AddedItem;
  }

  it('is not explained to the person as a choice the AI had no part in', async () => {
    const { older, newer, seenInNewer } = await twoOpenSets('js-1', MINUTE);
    clock.advance(MINUTE);

    // The counselor adds that course to the older set, approves the rest and publishes it.
    const addition = await addTo(older.id, seenInNewer);
    const decided = await decideAll(t, counselor, older.id);
    const published = await act(t, counselor, older.id, 'publish', decided.etag);
    expect(published.status).toBe(200);

    // The person reads the explanation of that course.
    const seeker = await t.tokenFor('job_seeker', 'js-1');
    const explanation = await t.http
      .get(`/v1/me/recommendations/${addition.itemId}/explanation`)
      .auth(seeker, { type: 'bearer' });
    expect(explanation.status).toBe(200);
    expect(explanation.body.aiContribution).not.toContain('n’est pas intervenu');
    expect(explanation.body.aiContribution).toContain(
      'l’avait suggérée à votre conseiller dans une autre sélection',
    );
    // The item names the set in which the model had suggested it, and so does the log.
    expect(addition.earlierModelSuggestion).toEqual({ setId: newer.id, suggestedAt: newer.createdAt });
    const events = await t.container.decisionLog.decisionLog.listEvents({
      types: ['item.added'],
      limit: 1000,
    });
    expect(events.find((event) => event.payload.itemId === addition.itemId)?.payload.earlierModelSetId).toBe(
      newer.id,
    );
  });

  it('names a set of suggestions made in the same millisecond as the set added to', async () => {
    await syncSeeker(t, 'js-same-ms');
    const { older, newer, seenInNewer } = await twoOpenSets('js-same-ms', 0);
    expect(newer.createdAt).toBe(older.createdAt);

    const addition = await addTo(older.id, seenInNewer);

    expect(addition.earlierModelSuggestion).toEqual({ setId: newer.id, suggestedAt: newer.createdAt });
  });
});
