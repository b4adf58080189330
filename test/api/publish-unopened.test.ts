import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  createSet,
  createSetByHand,
  decideAll,
  decideEach,
  putSettings,
  syncSeeker,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A counselor may decide every item and publish from the answer that created the set, never opening
 * it: the publication goes through, and the counselor is told then that the set was published
 * unopened, as the oversight figures will count it. A set by hand, whose items the counselor chose,
 * is never warned about.
 */
describe('publishing a set its counselor never opened', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
    await syncSeeker(t, 'js-2');
    await syncSeeker(t, 'js-3');
    await syncSeeker(t, 'js-4');
  });
  afterAll(() => t.close());

  it('publishing a set never opened warns published_unopened', async () => {
    const { set: created, etag } = await createSet(t, counselor, 'js-1');
    const { etag: decided } = await decideEach(
      t,
      counselor,
      created.id,
      etag,
      created.items.map((item) => [item.itemId, { decision: 'approve' }] as const),
    );

    const published = await act(t, counselor, created.id, 'publish', decided);

    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body.status).toBe('published');
    expect(published.body.openedAt).toBeNull();
    expect(published.body.warnings).toEqual([
      {
        code: 'published_unopened',
        field: 'setId',
        setId: created.id,
        message: expect.stringMatching(
          new RegExp(
            `published without being opened.*GET /v1/recommendations/${created.id}.*reviewed unopened`,
          ),
        ),
      },
    ]);
  });

  it('handing a set never opened to its second review warns published_unopened too', async () => {
    await putSettings(t, { secondReviewRate: 1 });
    try {
      const { set: created, etag } = await createSet(t, counselor, 'js-4');
      const { etag: decided } = await decideEach(
        t,
        counselor,
        created.id,
        etag,
        created.items.map((item) => [item.itemId, { decision: 'approve' }] as const),
      );

      const handed = await act(t, counselor, created.id, 'publish', decided);

      expect(handed.status, JSON.stringify(handed.body)).toBe(200);
      expect(handed.body.status).toBe('awaiting_second_review');
      expect(handed.body.warnings).toEqual([
        {
          code: 'published_unopened',
          field: 'setId',
          setId: created.id,
          message: expect.stringContaining('handed to its second review without being opened'),
        },
      ]);
    } finally {
      await putSettings(t, {});
    }
  });

  it('publishing an opened set does not warn', async () => {
    const { set: created } = await createSet(t, counselor, 'js-2');
    // Read before deciding: the read opens it.
    const { etag } = await decideAll(t, counselor, created.id);

    const published = await act(t, counselor, created.id, 'publish', etag);

    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body.openedAt).not.toBeNull();
    expect(published.body.warnings).toBeUndefined();
  });

  it('publishing a set by hand never opened does not warn: its counselor chose every item', async () => {
    const { set, etag } = await createSetByHand(t, counselor, 'js-3');

    const published = await act(t, counselor, set.id, 'publish', etag);

    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body.status).toBe('published');
    expect(published.body.warnings).toBeUndefined();
  });
});
