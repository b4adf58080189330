import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { act, createSet, decideEach, readSet, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

type MyItem = { itemId: string; decision: string; approval?: unknown; rejection: unknown };

/**
 * A counselor may comment an approval as a rejection: the comment is kept with the course in the
 * person's file, so their data export (GDPR Art. 15) gives it, once the review is over, as it gives
 * a rejection's.
 */
describe('a counselor’s comment on an approved course, in the person’s data export', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  async function exportItems(seekerId: string, setId: string): Promise<MyItem[]> {
    const token = await t.tokenFor('job_seeker', seekerId);
    const res = await t.http.get('/v1/me/data').auth(token, { type: 'bearer' });
    expect(res.status).toBe(200);
    const set = (res.body.suggestionSets as Array<{ id: string; items: MyItem[] }>).find(
      (s) => s.id === setId,
    );
    if (set === undefined) throw new Error(`set ${setId} is not in the export`);
    return set.items;
  }

  it('gives the comment the counselor wrote when approving a course, and null for an approval without one', async () => {
    await syncSeeker(t, 'js-approved-comment');
    const { set: created } = await createSet(t, counselor, 'js-approved-comment', { limit: 3 });
    const read = await readSet(t, counselor, created.id);
    const [first, second, third] = read.set.items;
    if (first === undefined || second === undefined || third === undefined)
      throw new Error('expected three items');
    const { etag } = await decideEach(t, counselor, created.id, read.etag, [
      [first.itemId, { decision: 'approve', comment: 'Correspond à son expérience en EHPAD.' }],
      [second.itemId, { decision: 'approve' }],
      [third.itemId, { decision: 'reject', reasonCode: 'too_far', comment: 'Trop loin sans voiture.' }],
    ]);
    expect((await act(t, counselor, created.id, 'publish', etag)).status).toBe(200);

    const items = await exportItems('js-approved-comment', created.id);

    expect(items.find((item) => item.itemId === first.itemId)).toMatchObject({
      decision: 'approved',
      approval: { comment: 'Correspond à son expérience en EHPAD.' },
      rejection: null,
    });
    expect(items.find((item) => item.itemId === second.itemId)).toMatchObject({
      decision: 'approved',
      approval: { comment: null },
    });
    expect(items.find((item) => item.itemId === third.itemId)).toMatchObject({
      decision: 'rejected',
      approval: null,
      rejection: { comment: 'Trop loin sans voiture.' },
    });
  });
});
