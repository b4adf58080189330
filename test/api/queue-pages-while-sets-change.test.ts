import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { act, createSetByHand, decideAll, readSet, syncSeeker, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A counselor pages through their queue while they, in another tab, and a colleague keep working:
 * sets are made and change status between pages. Each set that matches the filters all along is
 * listed once; a set made meanwhile waits for the next first page; a set that left the filters is
 * not listed on the pages after.
 */
describe('the queue paged while sets are made and change status', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;

  /** People on the counselor's caseload, one set each: the queue holds no one else's. */
  const PEOPLE = ['js-qc-1', 'js-qc-2', 'js-qc-3', 'js-qc-4', 'js-qc-5', 'js-qc-6', 'js-qc-7'];

  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp());
    for (const seekerId of PEOPLE) await syncSeeker(t, seekerId);
  });
  afterAll(() => t.close());

  async function page(query: string, cursor?: string) {
    const res = await t.http
      .get(`/v1/recommendations?${query}`)
      .query(cursor === undefined ? {} : { cursor })
      .auth(counselor, { type: 'bearer' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return {
      ids: (res.body.items as Array<{ id: string }>).map((set) => set.id),
      next: (res.body.nextCursor as string | null) ?? undefined,
    };
  }

  it('lists each set that still matches once, in order, whether a page ends between sets of the same instant or not', async () => {
    // One set per person: a new set withdraws the person's open one.
    const made: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      // Two sets per instant: pages end between sets made in the same millisecond too.
      if (i % 2 === 0) clock.advance(1_000);
      made.push((await createSetByHand(t, counselor, PEOPLE[i] as string)).set.id);
    }
    const newestFirst = [...made].reverse();
    const query = 'status=pending_review,published&limit=2';

    const first = await page(query);
    expect(first.ids).toEqual(newestFirst.slice(0, 2));

    // Between pages: a set of the first page is published (it still matches), one of the last page
    // is discarded (it no longer does), and a new set is made.
    const onFirst = first.ids[0] as string;
    const decided = await decideAll(t, counselor, onFirst);
    expect((await act(t, counselor, onFirst, 'publish', decided.etag)).status).toBe(200);
    const onLast = newestFirst[5] as string;
    const { etag } = await readSet(t, counselor, onLast);
    expect((await act(t, counselor, onLast, 'discard', etag, { reason: 'Elle a trouvé.' })).status).toBe(200);
    clock.advance(1_000);
    const madeMeanwhile = (await createSetByHand(t, counselor, PEOPLE[6] as string)).set.id;

    const seen = [...first.ids];
    let cursor = first.next;
    while (cursor !== undefined) {
      const next = await page(query, cursor);
      seen.push(...next.ids);
      cursor = next.next;
    }
    expect(seen).toEqual(newestFirst.slice(0, 5));
    expect(seen).not.toContain(madeMeanwhile);
    expect((await page(query)).ids[0]).toBe(madeMeanwhile);
  });
});
