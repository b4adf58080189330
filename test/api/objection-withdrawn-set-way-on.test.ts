import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  aWorkflowSeeker,
  createSet,
  decide,
  objectToAi,
  putSettings,
  readSet,
  requestManualSet,
  requestSet,
  syncSeeker,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A set the person's objection withdrew tells its counselor where to start again: by hand while the
 * objection stands, and, once the person withdrew it, where the model may be used again, as an
 * expired set does.
 */
describe("acting on a set withdrawn on the person's objection", () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(async () => {
    await putSettings(t, {});
    await t.close();
  });

  /** A set of suggestions for the person, read, then withdrawn by their objection. */
  async function setWithdrawnOnObjection(seekerId: string) {
    await syncSeeker(t, seekerId, aWorkflowSeeker());
    const { set } = await createSet(t, counselor, seekerId, { limit: 1 });
    const { set: opened } = await readSet(t, counselor, set.id);
    await objectToAi(t, seekerId);
    const withdrawn = await readSet(t, counselor, set.id);
    expect(withdrawn.set.status).toBe('discarded');
    const item = opened.items[0];
    if (item === undefined) throw new Error('the set holds no suggestion');
    return { setId: set.id, itemId: item.itemId, etag: withdrawn.etag };
  }

  async function withdrawObjection(seekerId: string) {
    const res = await t.http
      .delete('/v1/me/objection')
      .auth(await t.tokenFor('job_seeker', seekerId), { type: 'bearer' });
    expect(res.status).toBe(204);
  }

  it('sends the counselor to a set by hand while the objection stands', async () => {
    const { setId, itemId, etag } = await setWithdrawnOnObjection('js-obj-standing');
    const res = await decide(t, counselor, setId, itemId, etag, { decision: 'approve' });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('the model may no longer be used for them');
    expect(res.body.detail).toContain('POST /v1/job-seekers/js-obj-standing/manual-recommendations');
  });

  it('sends the counselor to new suggestions once the person withdrew their objection, not to a set by hand the API refuses', async () => {
    const { setId, itemId, etag } = await setWithdrawnOnObjection('js-obj-lifted');
    await withdrawObjection('js-obj-lifted');

    const res = await decide(t, counselor, setId, itemId, etag, { decision: 'approve' });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe('https://aiguillage.example/problems/set-status');
    expect(res.body.detail).not.toContain('may no longer be used');
    expect(res.body.detail).toContain('an objection they have withdrawn since');
    expect(res.body.detail).toContain(
      'ask for new suggestions (POST /v1/job-seekers/js-obj-lifted/recommendations)',
    );
    // The way it names first is taken; the one it no longer names alone is refused.
    expect((await requestManualSet(t, counselor, 'js-obj-lifted')).status).toBe(409);
    expect((await requestSet(t, counselor, 'js-obj-lifted', { limit: 1 })).status).toBe(201);
  });

  it('sends the counselor to a set by hand when the objection was withdrawn but suggestions are switched off', async () => {
    const { setId, itemId, etag } = await setWithdrawnOnObjection('js-obj-lifted-off');
    await withdrawObjection('js-obj-lifted-off');
    await putSettings(t, { aiEnabled: false });
    try {
      const res = await decide(t, counselor, setId, itemId, etag, { decision: 'approve' });
      expect(res.status).toBe(409);
      expect(res.body.detail).toContain(
        'an objection they have withdrawn since, and suggestions are switched off; to propose courses to the person, start a set by hand (POST /v1/job-seekers/js-obj-lifted-off/manual-recommendations)',
      );
      expect((await requestManualSet(t, counselor, 'js-obj-lifted-off')).status).toBe(201);
    } finally {
      await putSettings(t, {});
    }
  });
});
