import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnexRecommendationStore } from '../../src/recommendations/knex-recommendation-store.ts';
import type { TestApp } from '../support/test-app.ts';
import { createSet, decide, readSet } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A review action whose ETag matched, but whose guarded save found the set changed since (another
 * writer got there between the check and the save), answers 412 as a stale ETag does: with the set's
 * current ETag (`currentEtag`), which every other 412 of these actions gives, so that the counselor's
 * tool knows which version to read rather than failing with nothing to go on.
 */
describe('a review action that loses the set to another change at its save', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('answers 412 with the set’s current ETag, which a new attempt then acts with', async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
    const { set: opened, etag } = await readSet(t, counselor, set.id);
    const itemId = opened.items[0]?.itemId ?? '';

    const lost = await withSaveLostOnce(() =>
      decide(t, counselor, set.id, itemId, etag, { decision: 'approve' }),
    );
    expect(lost.status).toBe(412);
    expect(lost.headers['content-type']).toMatch(/application\/problem\+json/);
    const { etag: current } = await readSet(t, counselor, set.id);
    expect(lost.body.currentEtag).toBe(current);

    const again = await decide(t, counselor, set.id, itemId, lost.body.currentEtag, { decision: 'approve' });
    expect(again.status).toBe(200);
  });

  /** Runs `action` with the next guarded save of a set finding it changed (another writer first). */
  async function withSaveLostOnce<T>(action: () => PromiseLike<T>): Promise<T> {
    const store = KnexRecommendationStore.prototype;
    const original = store.save;
    let armed = true;
    store.save = async function (this: KnexRecommendationStore, trx, set, expectedVersion) {
      if (armed) {
        armed = false;
        return false;
      }
      return original.call(this, trx, set, expectedVersion);
    };
    try {
      return await action();
    } finally {
      store.save = original;
    }
  }
});
