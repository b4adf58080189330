import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { TestApp } from '../support/test-app.ts';
import { aWorkflowSeeker, createAndPublish, syncSeeker, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

type Spec = { paths: Record<string, Record<string, { description?: string }>> };

describe('the contract on what a counselor the person moved to may do', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;
  let setId: string;

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
    const seeker = await t.tokenFor('job_seeker', 'js-1');
    setId = (await createAndPublish(t, counselor, 'js-1', { approve: 1 })).id;
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    const itemId: string = mine.body.items[0].itemId;
    clock.advance(60_000);
    await t.http
      .post(`/v1/me/recommendations/${itemId}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .send({ response: 'contest' });
    await syncSeeker(t, 'js-1', aWorkflowSeeker({ counselorId: 'c-002' }));
  });
  afterAll(() => t.close());

  it('says the new counselor may reply to a contest on an earlier set, as they are offered', async () => {
    const read = await t.http.get(`/v1/recommendations/${setId}`).auth(otherCounselor, { type: 'bearer' });
    expect(read.body.allowedActions).toContain('reply_to_contest');
    const spec = parse(fs.readFileSync('openapi/openapi.yaml', 'utf8')) as Spec;
    const texts = [
      spec.paths['/v1/recommendations']?.get?.description ?? '',
      spec.paths['/v1/recommendations/{setId}']?.get?.description ?? '',
    ];
    for (const text of texts) {
      // Today: "of the actions, only the retraction of a published set, 403 for the others" and
      // "retract a published one, but take no other action on them (403)".
      expect(text).not.toMatch(/only the retraction|take no other action/);
    }
  });
});
