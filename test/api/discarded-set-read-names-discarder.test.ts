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

  it("tells in the queue who discarded each set, as the set's read does", async () => {
    await syncSeeker(t, 'js-4');
    const discarded = (await createSet(t, counselor, 'js-4')).set;
    const { etag } = await readSet(t, counselor, discarded.id);
    expect(
      (await act(t, counselor, discarded.id, 'discard', etag, { reason: 'Doublon de la veille' })).status,
    ).toBe(200);
    await syncSeeker(t, 'js-5');
    const withdrawn = (await createSet(t, counselor, 'js-5')).set;
    await objectToAi(t, 'js-5');
    const open = (await createSet(t, counselor, 'js-4')).set;

    const queue = await t.http
      .get('/v1/recommendations')
      .query({ status: 'discarded,pending_review' })
      .auth(counselor, { type: 'bearer' });
    expect(queue.status).toBe(200);
    const summaries = (queue.body.items as Array<{ id: string }>).filter((summary) =>
      [discarded.id, withdrawn.id, open.id].includes(summary.id),
    );
    expect(summaries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: discarded.id, discardedBy: 'c-001' }),
        expect.objectContaining({ id: withdrawn.id, discardedBy: null }),
        expect.objectContaining({ id: open.id, discardedBy: null }),
      ]),
    );
    expect(summaries).toHaveLength(3);
  });

  it('names no discarder on a set that was not discarded', async () => {
    await syncSeeker(t, 'js-3');
    const { set } = await createSet(t, counselor, 'js-3');
    const read = await readSet(t, counselor, set.id);
    expect(read.set).toMatchObject({ status: 'pending_review', discardedBy: null, discardedAt: null });
  });
});
