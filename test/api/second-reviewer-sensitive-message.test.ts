import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSensitiveTermWarnings } from '../support/metrics.ts';
import type { TestApp } from '../support/test-app.ts';
import { act, createSet, decideAll, putSettings, readSet } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const FLAGGED_MESSAGE = 'Pensez à votre traitement contre le diabète avant la formation.';

describe('a second reviewer publishing a message its first reviewer confirmed despite sensitive terms', () => {
  let t: TestApp;
  let counselor: string;
  let otherCounselor: string;
  beforeAll(async () => {
    ({ t, counselor, otherCounselor } = await startWorkflowApp());
    await putSettings(t, { secondReviewRate: 1 });
  });
  afterAll(() => t.close());

  it('is told of the message on reading the set, before approving it, and warned again in the approval', async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
    const { etag } = await decideAll(t, counselor, set.id, { approve: 1 });
    const handed = await act(t, counselor, set.id, 'publish', etag, {
      message: FLAGGED_MESSAGE,
      acknowledgeSensitiveTerms: true,
    });
    expect(handed.body.status).toBe('awaiting_second_review');
    expect(handed.body.warnings).toEqual([
      expect.objectContaining({ code: 'sensitive_term', field: 'message' }),
    ]);
    const countedOnWriting = await countSensitiveTermWarnings(t, 'message');

    const read = await readSet(t, otherCounselor, set.id);
    expect(read.set.caveats).toEqual([
      { code: 'message_sensitive_terms', message: expect.stringContaining('(health)'), terms: ['diabete'] },
    ]);
    // Its first reviewer reads the same words, which ask of them nothing they cannot do (only a
    // discard is theirs now): what the second review's approval and return do.
    const { set: asHandedOn } = await readSet(t, counselor, set.id);
    expect(asHandedOn.caveats).toEqual(read.set.caveats);
    expect(read.set.caveats[0]?.message).toMatch(/the second review’s approval publishes it/);

    const approved = await act(t, otherCounselor, set.id, 'second-review', read.etag, {
      decision: 'approve',
    });
    expect(approved.body.status).toBe('published');
    expect(approved.body.warnings).toEqual([
      { code: 'sensitive_term', field: 'message', message: expect.any(String), terms: ['diabete'] },
    ]);
    // Published now: nothing awaits a second review, so the set no longer says it.
    expect(approved.body.caveats).toEqual([]);
    // The message was counted when its counselor wrote it, not again when it was approved.
    expect(await countSensitiveTermWarnings(t, 'message')).toBe(countedOnWriting);
  });

  it('is told nothing of a message the screening does not flag', async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
    const { etag } = await decideAll(t, counselor, set.id, { approve: 1 });
    await act(t, counselor, set.id, 'publish', etag, { message: 'Deux pistes dont nous parlerons jeudi.' });
    const read = await readSet(t, otherCounselor, set.id);
    expect(read.set.caveats).toEqual([]);
    const approved = await act(t, otherCounselor, set.id, 'second-review', read.etag, {
      decision: 'approve',
    });
    expect(approved.body.warnings ?? []).toEqual([]);
  });
});
