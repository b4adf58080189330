import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  approveAfterReading,
  createSet,
  decideAll,
  putSettings,
  readSet,
  requestManualSet,
  type SetBody,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A drawn set's second review passes to the set that withdraws it, or to the next set once it was
 * discarded or expired (record 0003), even when the drawn set was made in the same millisecond as the
 * person's latest publication, or by a process whose clock lags behind the publishing one: the rule
 * once told the sets made after that publication by their times alone, and took such a set for one
 * the publication had settled, so that the counselor could publish the next set without the review
 * drawn. It now follows the decision log's order, which the clocks do not decide.
 */
describe('a second review owed across a publication in the same millisecond', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;
  let seekers = 0;

  beforeAll(async () => {
    // The app's clock stands still unless a test moves it: every act below shares one millisecond.
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
  });
  afterAll(async () => {
    await t.close();
  });

  /** A person whose first set, drawn, was published through its second review. */
  async function aPersonWithPublishedSet(): Promise<string> {
    seekers += 1;
    const seekerId = `js-owed-${seekers}`;
    await syncSeeker(t, seekerId);
    await putSettings(t, { secondReviewRate: 1 });
    const { set: first } = await createSet(t, counselor, seekerId);
    const { etag } = await decideAll(t, counselor, first.id);
    expect((await act(t, counselor, first.id, 'publish', etag)).body.status).toBe('awaiting_second_review');
    expect((await approveAfterReading(t, otherCounselor, first.id)).body.status).toBe('published');
    return seekerId;
  }

  /** A person whose first set was published; then a drawn set asked for, in the same millisecond. */
  async function aPersonWithDrawnSetAfterPublication(): Promise<string> {
    const seekerId = await aPersonWithPublishedSet();
    await createSet(t, counselor, seekerId);
    return seekerId;
  }

  /** Discards the set as its counselor, after reading it. */
  async function discard(setId: string): Promise<void> {
    const { etag } = await readSet(t, counselor, setId);
    expect((await act(t, counselor, setId, 'discard', etag, { reason: 'Je recommence' })).status).toBe(200);
  }

  /** Asks for suggestions with no draw (rate 0), approves them all and publishes: the status it gets. */
  async function publishNextSet(seekerId: string): Promise<string> {
    await putSettings(t, { secondReviewRate: 0 });
    const { set: next } = await createSet(t, counselor, seekerId);
    const { etag } = await decideAll(t, counselor, next.id);
    const published = await act(t, counselor, next.id, 'publish', etag);
    expect(published.status).toBe(200);
    return (published.body as SetBody).status;
  }

  it('sends to a second review the set by hand that withdrew a drawn set made as the last one was published', async () => {
    const seekerId = await aPersonWithDrawnSetAfterPublication();
    await putSettings(t, { secondReviewRate: 0, aiEnabled: false });
    try {
      const started = await requestManualSet(t, counselor, seekerId);
      expect(started.status).toBe(201);
      const added = await act(t, counselor, started.body.id, 'items', String(started.headers.etag), {
        courseId: 'LYON-AS-1',
        reason: 'Choisie avec la personne en entretien',
      });
      expect(added.status).toBe(201);
      const published = await act(t, counselor, started.body.id, 'publish', String(added.headers.etag));
      expect(published.status).toBe(200);
      expect((published.body as SetBody).status).toBe('awaiting_second_review');
    } finally {
      await putSettings(t, {});
    }
  });

  it('sends to a second review the suggestions asked again over a drawn set made as the last one was published', async () => {
    const seekerId = await aPersonWithDrawnSetAfterPublication();
    await putSettings(t, { secondReviewRate: 0 });
    const { set: again } = await createSet(t, counselor, seekerId);
    const { etag } = await decideAll(t, counselor, again.id);
    const published = await act(t, counselor, again.id, 'publish', etag);
    expect(published.status).toBe(200);
    expect((published.body as SetBody).status).toBe('awaiting_second_review');
    await putSettings(t, {});
  });

  it('sends to a second review the next set after a drawn set made as the last one was published was discarded', async () => {
    const seekerId = await aPersonWithPublishedSet();
    const { set: drawn } = await createSet(t, counselor, seekerId);
    await discard(drawn.id);
    expect(await publishNextSet(seekerId)).toBe('awaiting_second_review');
    await putSettings(t, {});
  });

  it('sends to a second review the next set after a drawn set made as the last one was published expired', async () => {
    const seekerId = await aPersonWithPublishedSet();
    const { set: drawn } = await createSet(t, counselor, seekerId);
    clock.advance(169 * 3_600_000);
    expect((await readSet(t, counselor, drawn.id)).set.status).toBe('expired');
    expect(await publishNextSet(seekerId)).toBe('awaiting_second_review');
    await putSettings(t, {});
  });

  it('sends to a second review the next set after a drawn set made by a clock lagging behind the last publication was discarded', async () => {
    const seekerId = await aPersonWithPublishedSet();
    clock.advance(-5_000);
    const { set: drawn } = await createSet(t, counselor, seekerId);
    clock.advance(5_000);
    await discard(drawn.id);
    expect(await publishNextSet(seekerId)).toBe('awaiting_second_review');
    await putSettings(t, {});
  });

  it('asks no second review of the next set when a set asked for by a clock lagging behind the drawn set’s took its review over and was published', async () => {
    seekers += 1;
    const seekerId = `js-owed-${seekers}`;
    await syncSeeker(t, seekerId);
    await putSettings(t, { secondReviewRate: 1 });
    clock.advance(5_000);
    await createSet(t, counselor, seekerId);
    clock.advance(-5_000);
    // Asked again, not drawn: it withdraws the drawn set and owes its review, given through it.
    await putSettings(t, { secondReviewRate: 0 });
    const { set: again } = await createSet(t, counselor, seekerId);
    const { etag } = await decideAll(t, counselor, again.id);
    expect((await act(t, counselor, again.id, 'publish', etag)).body.status).toBe('awaiting_second_review');
    expect((await approveAfterReading(t, otherCounselor, again.id)).body.status).toBe('published');
    clock.advance(5_000);
    expect(await publishNextSet(seekerId)).toBe('published');
    await putSettings(t, {});
  });
});
