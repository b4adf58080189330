import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { act, createSet, objectToAi, readSet, syncSeeker, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;

/**
 * The read of a discarded set says who discarded it and when, as the refusal of an action on it
 * does: a counselor going back to their queue sees when the set was closed, not its reason alone.
 */
describe('the read of a discarded set', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('names the counselor who discarded the set and when, beside the reason', async () => {
    const { set } = await createSet(t, counselor);
    const { etag } = await readSet(t, counselor, set.id);
    const discardedAt = clock.now().toISOString();
    expect(
      (await act(t, counselor, set.id, 'discard', etag, { reason: 'Doublon de la veille' })).status,
    ).toBe(200);
    clock.advance(HOUR);

    const read = await readSet(t, counselor, set.id);
    expect(read.set).toMatchObject({
      status: 'discarded',
      discardReason: 'Doublon de la veille',
      discardedBy: 'c-001',
      discardedAt,
    });
  });

  it('names no counselor for a set the application withdrew, and says when it did', async () => {
    await syncSeeker(t, 'js-2');
    const { set } = await createSet(t, counselor, 'js-2');
    const withdrawnAt = clock.now().toISOString();
    await objectToAi(t, 'js-2');
    clock.advance(HOUR);

    const read = await readSet(t, counselor, set.id);
    expect(read.set).toMatchObject({ status: 'discarded', discardedBy: null, discardedAt: withdrawnAt });
  });

  it('names no discarder on a set that was not discarded', async () => {
    await syncSeeker(t, 'js-3');
    const { set } = await createSet(t, counselor, 'js-3');
    const read = await readSet(t, counselor, set.id);
    expect(read.set).toMatchObject({ status: 'pending_review', discardedBy: null, discardedAt: null });
  });
});
