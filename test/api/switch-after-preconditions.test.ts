import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { act, createSet, decide, decideAll, putSettings, readSet } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const PROBLEMS = 'https://aiguillage.example/problems/';
const SWITCHED_OFF = `${PROBLEMS}ai-switched-off`;

/**
 * The preconditions come before every state rule, the kill switch's too: a tab without the set's
 * version, or with an old one, is told so first, as it is when suggestions are on.
 */
describe('a change of a set while suggestions are switched off', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  async function switchedOff(run: () => Promise<void>): Promise<void> {
    await putSettings(t, { aiEnabled: false });
    try {
      await run();
    } finally {
      await putSettings(t, { aiEnabled: true });
    }
  }

  it("asks for If-Match (428) before telling that the model's item is held by the switch", async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
    const { etag } = await readSet(t, counselor, set.id);
    const itemId = set.items[0]?.itemId ?? '';
    await switchedOff(async () => {
      const missing = await decide(t, counselor, set.id, itemId, undefined, { decision: 'approve' });
      expect(missing.status, JSON.stringify(missing.body)).toBe(428);
      const held = await decide(t, counselor, set.id, itemId, etag, { decision: 'approve' });
      expect(held.status).toBe(409);
      expect(held.body.type).toBe(SWITCHED_OFF);
    });
  });

  it("refuses to add a course the set holds as the model's pending item without sending the counselor to approve that item, which the switch refuses", async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
    const { etag } = await readSet(t, counselor, set.id);
    const [item] = set.items;
    if (item === undefined) throw new Error('the model suggested nothing');
    await switchedOff(async () => {
      const added = await act(t, counselor, set.id, 'items', etag, {
        courseId: item.course.id,
        reason: 'Vue avec la personne',
      });
      expect(added.status).toBe(409);
      expect(added.body).toMatchObject({ type: `${PROBLEMS}course-already-in-set`, itemId: item.itemId });
      expect(added.body.detail).not.toContain('decide that item instead');
      expect(added.body.detail).toContain('may not be approved while suggestions are switched off');
      expect(added.body.detail).toContain(
        'start a set by hand for the person (POST /v1/job-seekers/js-1/manual-recommendations)',
      );
      // The item's decision it no longer names would be refused.
      const approved = await decide(t, counselor, set.id, item.itemId, etag, { decision: 'approve' });
      expect(approved.body.type).toBe(SWITCHED_OFF);
    });
    // With suggestions on, deciding the item is the way, as before.
    const again = await act(t, counselor, set.id, 'items', etag, {
      courseId: item.course.id,
      reason: 'Vue avec la personne',
    });
    expect(again.body.detail).toContain('decide that item instead');
  });

  it('answers a stale ETag 412 before telling that the set may not be published', async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
    const { etag: stale } = await readSet(t, counselor, set.id);
    const { etag: current } = await decideAll(t, counselor, set.id, { approve: 1 });
    await switchedOff(async () => {
      const old = await act(t, counselor, set.id, 'publish', stale, {});
      expect(old.status, JSON.stringify(old.body)).toBe(412);
      const missing = await act(t, counselor, set.id, 'publish', undefined, {});
      expect(missing.status).toBe(428);
      const held = await act(t, counselor, set.id, 'publish', current, {});
      expect(held.status).toBe(409);
      expect(held.body.type).toBe(SWITCHED_OFF);
    });
  });
});
