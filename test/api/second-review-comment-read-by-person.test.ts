import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { act, createSet, decideAll, putSettings, readSet, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A second reviewer writes their comment to a colleague, yet the person reads it word for word in
 * their data export once the review is over: the second review's answer tells the writer so.
 */
describe('a second reviewer told that the person reads their comment', () => {
  let t: TestApp;
  let counselor: string;
  let otherCounselor: string;
  beforeAll(async () => {
    ({ t, counselor, otherCounselor } = await startWorkflowApp());
    await putSettings(t, { secondReviewRate: 1 });
  });
  afterAll(() => t.close());

  async function handedOn(seekerId: string) {
    await syncSeeker(t, seekerId);
    const { set } = await createSet(t, counselor, seekerId, { limit: 2 });
    const { etag } = await decideAll(t, counselor, set.id, { approve: 1 });
    expect((await act(t, counselor, set.id, 'publish', etag)).body.status).toBe('awaiting_second_review');
    return { setId: set.id, read: await readSet(t, otherCounselor, set.id) };
  }

  const readByPerson = expect.objectContaining({
    code: 'comment_read_by_person',
    field: 'comment',
    message: expect.stringMatching(/^the person reads this comment word for word in their data export/),
  });

  it('warns on a return’s comment and on an approval’s, and not on an approval without one', async () => {
    const returned = await handedOn('js-return-comment');
    const back = await act(t, otherCounselor, returned.setId, 'second-review', returned.read.etag, {
      decision: 'return',
      comment: 'Tu valides trop vite, comme d’habitude…',
    });
    expect(back.status).toBe(200);
    expect(back.body.warnings).toEqual([readByPerson]);
    expect(back.body.warnings[0].message).toMatch(/once the set's review is over/);

    const approved = await handedOn('js-approval-comment');
    const published = await act(t, otherCounselor, approved.setId, 'second-review', approved.read.etag, {
      decision: 'approve',
      comment: 'Bon choix.',
    });
    expect(published.body.status).toBe('published');
    expect(published.body.warnings).toEqual([readByPerson]);

    const silent = await handedOn('js-approval-silent');
    const plain = await act(t, otherCounselor, silent.setId, 'second-review', silent.read.etag, {
      decision: 'approve',
    });
    expect(plain.body.status).toBe('published');
    expect(plain.body.warnings ?? []).toEqual([]);
  });
});
