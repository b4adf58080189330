import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordStatements } from '../support/query-plans.ts';
import type { TestApp } from '../support/test-app.ts';
import { act, createSet, decide, readSet, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A set's review is an action per item: each writes the items it changed, not every item of the set
 * with its scores and attributions again (a review then wrote the set's items squared).
 */
describe('the item rows a review action writes', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  /** How many item rows `work` updated, and how many it inserted. */
  async function itemWritesOf(work: () => Promise<unknown>): Promise<{ updated: number; inserted: number }> {
    const statements = await recordStatements(t.container.db, work);
    const count = (pattern: RegExp) => statements.filter(({ sql }) => pattern.test(sql)).length;
    return {
      updated: count(/^update\s+["`]?recommendation_items\b/i),
      inserted: count(/^insert\s+into\s+["`]?recommendation_items\b/i),
    };
  }

  it('opens a set writing no item, decides an item writing that item alone, and publishes writing only the order', async () => {
    await syncSeeker(t, 'js-item-writes');
    const { set } = await createSet(t, counselor, 'js-item-writes');
    expect(set.items.length).toBeGreaterThan(2);

    let etag = '';
    expect(
      await itemWritesOf(async () => {
        ({ etag } = await readSet(t, counselor, set.id));
      }),
    ).toEqual({ updated: 0, inserted: 0 });

    const [first, ...others] = set.items;
    if (first === undefined) throw new Error('the set has no item');
    expect(
      await itemWritesOf(async () => {
        const res = await decide(t, counselor, set.id, first.itemId, etag, { decision: 'approve' });
        expect(res.status, res.text).toBe(200);
        etag = String(res.headers.etag);
      }),
    ).toEqual({ updated: 1, inserted: 0 });
    for (const item of others) {
      const res = await decide(t, counselor, set.id, item.itemId, etag, {
        decision: 'reject',
        reasonCode: 'too_far',
      });
      expect(res.status, res.text).toBe(200);
      etag = String(res.headers.etag);
    }

    // Publishing gives the one approved item its place for the person: that item alone changes.
    expect(
      await itemWritesOf(async () => {
        const res = await act(t, counselor, set.id, 'publish', etag);
        expect(res.status, res.text).toBe(200);
      }),
    ).toEqual({ updated: 1, inserted: 0 });

    // Every decision kept as it was made.
    const { set: published } = await readSet(t, counselor, set.id);
    expect(published.status).toBe('published');
    expect(published.items.map((item) => [item.itemId, item.decision])).toEqual(
      set.items.map((item) => [item.itemId, item.itemId === first.itemId ? 'approved' : 'rejected']),
    );
  });
});
