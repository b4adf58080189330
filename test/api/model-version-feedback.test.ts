import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAndPublish, firstApproved, type SetBody } from '../support/workflow.ts';
import { startWorkflowApp, type WorkflowApp } from '../support/workflow-app.ts';

const PURPOSE = 'review of one model version';

/**
 * GET /v1/audit/events?modelVersion= — the contract: "Everything about this model version: the
 * events of the sets it generated […]". An auditor following a model version reads how people
 * answered its suggestions, contests first.
 */
describe('the model-version filter of the decision log', () => {
  let w: WorkflowApp;
  let auditor: string;
  let published: SetBody;

  beforeAll(async () => {
    w = await startWorkflowApp();
    auditor = await w.t.tokenFor('auditor', 'dpo-1');
    published = await createAndPublish(w.t, w.counselor, 'js-1', { approve: 2 });
    const seeker = await w.t.tokenFor('job_seeker', 'js-1');
    const answer = await w.t.http
      .post(`/v1/me/recommendations/${firstApproved(published).itemId}/feedback`)
      .auth(seeker, { type: 'bearer' })
      .send({ response: 'contest', comment: 'Je ne comprends pas cette proposition' });
    expect([200, 201]).toContain(answer.status);
  });
  afterAll(() => w.t.close());

  const list = async (query: Record<string, string>) => {
    const res = await w.t.http
      .get('/v1/audit/events')
      .query({ ...query, limit: 200 })
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', PURPOSE);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as Array<{ type: string; payload: Record<string, unknown> }>;
  };

  it('lists the job seeker’s answer (a contest) on an item of a set the version generated, which names the set', async () => {
    const version = String(published.model?.version);
    const [contest] = await list({ type: 'feedback.given' });
    expect(contest?.payload).toEqual({
      setId: published.id,
      itemId: firstApproved(published).itemId,
      response: 'contest',
      hasComment: true,
    });
    const ofVersion = await list({ modelVersion: version });
    expect(ofVersion.map((event) => event.type)).toContain('recommendation.published');
    expect(ofVersion.map((event) => event.type)).toContain('feedback.given');
    expect(await list({ modelVersion: version, type: 'feedback.given' })).toHaveLength(1);
    expect(await list({ modelVersion: 'no-such-version', type: 'feedback.given' })).toHaveLength(0);
  });
});
