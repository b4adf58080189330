import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  aWorkflowSeeker,
  createAndPublish,
  createSet,
  readSet,
  syncSeeker,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

describe('a job seeker moving to another counselor', () => {
  let t: TestApp;
  let counselor: string;
  let otherCounselor: string;

  beforeAll(async () => {
    ({ t, counselor, otherCounselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('withdraws the sets still open with the previous counselor, keeps what was published, and logs it', async () => {
    const published = await createAndPublish(t, counselor, 'js-1', { approve: 2 });
    const { set: open } = await createSet(t, counselor, 'js-1');
    const { etag } = await readSet(t, counselor, open.id);

    await syncSeeker(t, 'js-1', aWorkflowSeeker({ counselorId: 'c-002' }));

    const { set: withdrawn, etag: current } = await readSet(t, counselor, open.id);
    expect(withdrawn).toMatchObject({
      status: 'discarded',
      discardReason: 'the job seeker moved to another counselor',
    });
    expect((await act(t, counselor, open.id, 'publish', etag)).status).toBe(412);
    expect((await act(t, counselor, open.id, 'publish', current)).status).toBe(409);
    expect((await readSet(t, counselor, published.id)).set.status).toBe('published');

    const seeker = await t.tokenFor('job_seeker', 'js-1');
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    expect(mine.body.items).toHaveLength(2);

    const { decisionLog, pseudonymiser } = t.container.decisionLog;
    const syncs = (await decisionLog.listEvents({ types: ['job_seeker.upserted'] })).filter(
      (event) => event.subject === pseudonymiser.pseudonymise('js-1'),
    );
    expect(syncs.at(-1)?.payload).toMatchObject({ caseloadChanged: true, withdrawnSetIds: [open.id] });
  });

  it('lets the new counselor ask for fresh suggestions, and the previous one no longer', async () => {
    const { set } = await createSet(t, otherCounselor, 'js-1');
    expect(set.status).toBe('pending_review');
    const refused = await t.http
      .post('/v1/job-seekers/js-1/recommendations')
      .auth(counselor, { type: 'bearer' })
      .set('Idempotency-Key', 'previous-counselor-1')
      .send({});
    expect(refused.status).toBe(404);
  });

  it('withdraws nothing when the sync keeps the same counselor', async () => {
    const { set } = await createSet(t, otherCounselor, 'js-1');
    await syncSeeker(t, 'js-1', aWorkflowSeeker({ counselorId: 'c-002', monthsUnemployed: 14 }));
    expect((await readSet(t, otherCounselor, set.id)).set.status).toBe('pending_review');
  });
});
