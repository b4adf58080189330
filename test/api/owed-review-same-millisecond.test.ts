import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  approveAfterReading,
  createSet,
  decideAll,
  putSettings,
  requestManualSet,
  type SetBody,
  syncSeeker,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A drawn set's second review passes to the set that withdraws it (record 0003), even when the drawn
 * set was made in the same millisecond as the person's latest publication: the rule once told the
 * sets made after that publication by their times alone, and took such a set for one the publication
 * had settled, so that asking again let the counselor publish without the review drawn.
 */
describe('a second review owed across a publication in the same millisecond', () => {
  let t: TestApp;
  let counselor: string;
  let otherCounselor: string;
  let seekers = 0;

  beforeAll(async () => {
    // The app's clock stands still unless a test moves it: every act below shares one millisecond.
    ({ t, counselor, otherCounselor } = await startWorkflowApp());
  });
  afterAll(async () => {
    await t.close();
  });

  /** A person whose first set, drawn, was published through its second review; then a drawn set asked for. */
  async function aPersonWithDrawnSetAfterPublication(): Promise<string> {
    seekers += 1;
    const seekerId = `js-owed-${seekers}`;
    await syncSeeker(t, seekerId);
    await putSettings(t, { secondReviewRate: 1 });
    const { set: first } = await createSet(t, counselor, seekerId);
    const { etag } = await decideAll(t, counselor, first.id);
    expect((await act(t, counselor, first.id, 'publish', etag)).body.status).toBe('awaiting_second_review');
    expect((await approveAfterReading(t, otherCounselor, first.id)).body.status).toBe('published');
    await createSet(t, counselor, seekerId);
    return seekerId;
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
});
