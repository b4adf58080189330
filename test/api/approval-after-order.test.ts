import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  createSet,
  decide,
  decideAll,
  type ItemBody,
  REACHABLE_COURSE_IDS,
  type SetBody,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * The order a counselor gives the approved items holds those it lists; an item approved afterwards,
 * one approved again after a rejection included, has no place in it, and the counselor is told so.
 */
describe('an item approved after the approved items were ordered', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  function orderItems(setId: string, etag: string, itemIds: string[]) {
    return t.http
      .put(`/v1/recommendations/${setId}/order`)
      .auth(counselor, { type: 'bearer' })
      .set('If-Match', etag)
      .send({ itemIds });
  }

  function idsOf(set: SetBody): string[] {
    return set.items.map((item) => item.itemId);
  }

  /** Publishes the set and gives its approved items in the order the person reads them. */
  async function publishedOrder(setId: string, etag: string): Promise<string[]> {
    const published = await act(t, counselor, setId, 'publish', etag);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    return (published.body.items as ItemBody[])
      .filter((item) => item.displayOrder !== null)
      .sort((a, b) => (a.displayOrder ?? 0) - (b.displayOrder ?? 0))
      .map((item) => item.itemId);
  }

  it('warns, naming the item, that one approved again after a rejection follows the ordered items until they are ordered again', async () => {
    const { set: created } = await createSet(t, counselor, 'js-1', { limit: 3 });
    const { set: decided, etag } = await decideAll(t, counselor, created.id);
    const [first, middle, last] = idsOf(decided);
    if (first === undefined || middle === undefined || last === undefined) throw new Error('three items');
    const ordered = await orderItems(created.id, etag, [last, middle, first]);
    expect(ordered.status, JSON.stringify(ordered.body)).toBe(200);

    const rejected = await decide(t, counselor, created.id, middle, String(ordered.headers.etag), {
      decision: 'reject',
      reasonCode: 'too_far',
    });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect(rejected.body.warnings).toBeUndefined();
    const again = await decide(t, counselor, created.id, middle, String(rejected.headers.etag), {
      decision: 'approve',
    });

    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.warnings).toEqual([
      {
        code: 'placed_after_order',
        field: 'decision',
        itemId: middle,
        message: expect.stringContaining(`PUT /v1/recommendations/${created.id}/order`),
      },
    ]);
    // What the warning says is what the person reads: the item after the ordered ones.
    expect(await publishedOrder(created.id, String(again.headers.etag))).toEqual([last, first, middle]);
  });

  it('warns, naming the item, that a course added after the approved items were ordered follows them until they are ordered again', async () => {
    const { set: created } = await createSet(t, counselor, 'js-1', { limit: 2 });
    const { set: decided, etag } = await decideAll(t, counselor, created.id);
    const [first, last] = idsOf(decided);
    if (first === undefined || last === undefined) throw new Error('two items');
    const ordered = await orderItems(created.id, etag, [last, first]);
    expect(ordered.status, JSON.stringify(ordered.body)).toBe(200);
    const inSet = new Set(decided.items.map((item) => item.course.id));
    const courseId = REACHABLE_COURSE_IDS.find((id) => !inSet.has(id));

    const added = await act(t, counselor, created.id, 'items', String(ordered.headers.etag), {
      courseId,
      reason: 'Choisie avec la personne en entretien',
    });

    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const addedItem = (added.body.items as ItemBody[]).find((item) => item.course.id === courseId);
    expect(added.body.warnings).toContainEqual({
      code: 'placed_after_order',
      field: 'courseId',
      itemId: addedItem?.itemId,
      message: expect.stringContaining(`PUT /v1/recommendations/${created.id}/order`),
    });
    expect(await publishedOrder(created.id, String(added.headers.etag))).toEqual([
      last,
      first,
      addedItem?.itemId,
    ]);
  });

  it('does not warn about an approval in a set whose items were never ordered', async () => {
    const { set: created, etag } = await createSet(t, counselor, 'js-1', { limit: 1 });
    const [only] = idsOf(created);
    const approved = await decide(t, counselor, created.id, String(only), etag, { decision: 'approve' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.warnings).toBeUndefined();
  });
});
