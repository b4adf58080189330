import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { act, createSet, putSettings, readSet, type SetBody } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

type Summary = { id: string; status: string; itemCount: number; pendingCount: number };

/**
 * Blind-first hides the model's items from the counselor until their own shortlist is in, and for
 * good from a set that ended without one: the queue, which says what a set awaits without opening
 * it, counts the items the set's read shows, not those it hides.
 */
describe('the review queue of blind-first sets', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
    await putSettings(t, { blindFirst: true });
  });
  afterAll(() => t.close());

  async function summaryOf(setId: string): Promise<Summary | undefined> {
    const res = await t.http.get('/v1/recommendations').auth(counselor, { type: 'bearer' });
    expect(res.status).toBe(200);
    return (res.body.items as Summary[]).find((set) => set.id === setId);
  }

  it('counts none of the model items in the queue while the set awaits its shortlist, as its read shows none', async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 3 });
    const { set: read } = await readSet(t, counselor, set.id);
    expect(read).toMatchObject({ itemsHidden: true, items: [] });
    expect(await summaryOf(set.id)).toMatchObject({
      status: 'awaiting_shortlist',
      itemCount: 0,
      pendingCount: 0,
    });
  });

  it('counts none of them either once the set was discarded without a shortlist', async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 3 });
    const { etag } = await readSet(t, counselor, set.id);
    const discarded = await act(t, counselor, set.id, 'discard', etag, { reason: 'Entretien reporté' });
    expect(discarded.status).toBe(200);
    expect((discarded.body as SetBody).items).toEqual([]);
    expect(await summaryOf(set.id)).toMatchObject({ status: 'discarded', itemCount: 0, pendingCount: 0 });
  });

  it('counts every item the set shows once the shortlist is in, the counselor picks included', async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 3 });
    const { etag } = await readSet(t, counselor, set.id);
    const shown = await act(t, counselor, set.id, 'shortlist', etag, { courseIds: ['PARIS-AS'] });
    expect(shown.status).toBe(200);
    const items = (shown.body as SetBody).items;
    expect(await summaryOf(set.id)).toMatchObject({
      status: 'pending_review',
      itemCount: items.length,
      pendingCount: items.filter((item) => item.decision === 'pending').length,
    });
  });
});
