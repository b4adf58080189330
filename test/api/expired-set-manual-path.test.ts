import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  aWorkflowSeeker,
  createSet,
  decide,
  objectToAi,
  putSettings,
  readSet,
  requestManualSet,
  requestSet,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;

/**
 * An expired set of suggestions tells its counselor where to start again. While the model may not be
 * used for the person (suggestions switched off, or their objection), asking for new suggestions is
 * refused: the way on is a set by hand.
 */
describe('acting on an expired set of suggestions when the model may not be used for the person', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp());
  });
  afterAll(async () => {
    await putSettings(t, {});
    await t.close();
  });

  /** A set of suggestions for the person, read (so opened), then left until its lifetime passed. */
  async function expiredSet(seekerId: string) {
    await syncSeeker(t, seekerId, aWorkflowSeeker());
    const { set } = await createSet(t, counselor, seekerId, { limit: 1 });
    const { set: opened, etag } = await readSet(t, counselor, set.id);
    clock.advance(169 * HOUR);
    // The read records the expiry: the counselor holds the set's current ETag.
    const expired = await readSet(t, counselor, set.id);
    expect(expired.set.status).toBe('expired');
    expect(expired.etag).not.toBe(etag);
    const item = opened.items[0];
    if (item === undefined) throw new Error('the set holds no suggestion');
    return { setId: set.id, itemId: item.itemId, etag: expired.etag };
  }

  it('sends the counselor to a set by hand, not to new suggestions, while suggestions are switched off', async () => {
    const { setId, itemId, etag } = await expiredSet('js-exp-off');
    await putSettings(t, { aiEnabled: false });
    try {
      // A rejection, which the switch does not hold back.
      const res = await decide(t, counselor, setId, itemId, etag, {
        decision: 'reject',
        reasonCode: 'not_matching_project',
      });
      expect(res.status).toBe(409);
      expect(res.body.type).toBe('https://aiguillage.example/problems/set-expired');
      expect(res.body.detail).toBe(
        'cannot decide an item: the set has expired, and suggestions are switched off; start a set by hand (POST /v1/job-seekers/js-exp-off/manual-recommendations)',
      );
      // Where the old detail sent them: refused.
      expect((await requestSet(t, counselor, 'js-exp-off')).status).toBe(409);
    } finally {
      await putSettings(t, {});
    }
  });

  it('sends the counselor to a set by hand, not to new suggestions, once the person objected', async () => {
    const { setId, itemId, etag } = await expiredSet('js-exp-objected');
    await objectToAi(t, 'js-exp-objected');
    const res = await decide(t, counselor, setId, itemId, etag, { decision: 'approve' });
    expect(res.status).toBe(409);
    expect(res.body.detail).toBe(
      'cannot decide an item: the set has expired, and the job seeker objected to AI processing of their data; start a set by hand (POST /v1/job-seekers/js-exp-objected/manual-recommendations)',
    );
    expect((await requestSet(t, counselor, 'js-exp-objected')).status).toBe(409);
  });

  it('sends the counselor of an expired set by hand to new suggestions once suggestions are back on', async () => {
    await syncSeeker(t, 'js-exp-by-hand', aWorkflowSeeker());
    await putSettings(t, { aiEnabled: false });
    let created: Response;
    try {
      created = await requestManualSet(t, counselor, 'js-exp-by-hand');
      expect(created.status).toBe(201);
    } finally {
      await putSettings(t, {});
    }
    const setId = String(created.body.id);
    clock.advance(169 * HOUR);
    const { etag } = await readSet(t, counselor, setId);
    const res = await act(t, counselor, setId, 'discard', etag, { reason: 'plus d’actualité' });
    expect(res.status).toBe(409);
    expect(res.body.detail).toBe(
      'cannot discard: the set has expired; ask for new suggestions (POST /v1/job-seekers/js-exp-by-hand/recommendations), or, while no model can be used, start a set by hand (POST /v1/job-seekers/js-exp-by-hand/manual-recommendations)',
    );
    // Where the old detail sent them: refused while suggestions can be asked for.
    expect((await requestManualSet(t, counselor, 'js-exp-by-hand')).status).toBe(409);
  });

  it('still sends the counselor to new suggestions when the model may be used', async () => {
    const { setId, itemId, etag } = await expiredSet('js-exp-usable');
    const res = await decide(t, counselor, setId, itemId, etag, { decision: 'approve' });
    expect(res.status).toBe(409);
    expect(res.body.detail).toBe(
      'cannot decide an item: the set has expired; ask for new suggestions (POST /v1/job-seekers/js-exp-usable/recommendations), or, while no model can be used, start a set by hand (POST /v1/job-seekers/js-exp-usable/manual-recommendations)',
    );
  });
});

describe('an expired set by hand where no model is active', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp({ env: { SHIPPED_MODEL: '' } }));
  });
  afterAll(() => t.close());

  it('names a set by hand as the way on, since suggestions cannot be made', async () => {
    const created = await requestManualSet(t, counselor, 'js-1');
    expect(created.status).toBe(201);
    clock.advance(169 * HOUR);
    const { etag } = await readSet(t, counselor, String(created.body.id));
    const res = await act(t, counselor, String(created.body.id), 'discard', etag, {
      reason: 'plus d’actualité',
    });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain(
      'start a set by hand (POST /v1/job-seekers/js-1/manual-recommendations)',
    );
    expect((await requestSet(t, counselor, 'js-1')).status).toBe(503);
    expect((await requestManualSet(t, counselor, 'js-1')).status).toBe(201);
  });
});
