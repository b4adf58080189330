import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutInstance } from '../support/problem-body.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  aWorkflowSeeker,
  createAndPublish,
  createSet,
  readSet,
  requestSet,
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

    // The previous counselor can no longer read them: the table tells.
    const stored = (setId: string) =>
      t.container.db('recommendation_sets').where({ id: setId }).first('status', 'discard_reason');
    expect(await stored(open.id)).toEqual({
      status: 'discarded',
      discard_reason: 'la personne suit désormais un autre conseiller',
    });
    expect((await stored(published.id))?.status).toBe('published');
    // Their action on it is told why (record 0003), not "not found".
    expect((await act(t, counselor, open.id, 'publish', etag)).status).toBe(409);

    const seeker = await t.tokenFor('job_seeker', 'js-1');
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    expect(mine.body.items).toHaveLength(2);

    const { decisionLog, pseudonymiser } = t.container.decisionLog;
    const syncs = (await decisionLog.listEvents({ types: ['job_seeker.upserted'] })).filter(
      (event) => event.subject === pseudonymiser.pseudonymise('js-1'),
    );
    expect(syncs.at(-1)?.payload).toMatchObject({ caseloadChanged: true, withdrawnSetIds: [open.id] });
  });

  it("shows the previous counselor none of the person's sets any more: 404 to read, gone from the queue, their action told the person left them", async () => {
    const previous = await t.http
      .get('/v1/recommendations?seekerId=js-1')
      .auth(counselor, { type: 'bearer' });
    expect(previous.status).toBe(200);
    expect(previous.body.items).toEqual([]);
    const before = await t.http.get('/v1/recommendations').auth(counselor, { type: 'bearer' });
    expect(before.body.items.map((set: { seekerId: string }) => set.seekerId)).not.toContain('js-1');
    const theirs: Array<{ id: string; version: number }> = await t.container
      .db('recommendation_sets')
      .where({ seeker_id: 'js-1' })
      .select('id', 'version');
    expect(theirs.length).toBeGreaterThan(0);
    for (const { id: setId, version } of theirs) {
      const read = await t.http.get(`/v1/recommendations/${setId}`).auth(counselor, { type: 'bearer' });
      expect(read.status).toBe(404);
      expect(read.headers['content-type']).toMatch(/application\/problem\+json/);
      const discard = await act(t, counselor, setId, 'discard', `"${version}"`, { reason: 'clean-up' });
      expect(discard.status).toBe(409);
      expect(discard.body.type).toBe('https://aiguillage.example/problems/no-longer-on-caseload');
    }
  });

  it('shows the new counselor what the person was offered before, without letting them act on it', async () => {
    const published: Array<{ id: string; version: number }> = await t.container
      .db('recommendation_sets')
      .where({ seeker_id: 'js-1', counselor_id: 'c-001', status: 'published' })
      .select('id', 'version');
    expect(published).toHaveLength(1);
    const [{ id: setId, version } = { id: '', version: 0 }] = published;
    const read = await t.http.get(`/v1/recommendations/${setId}`).auth(otherCounselor, { type: 'bearer' });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: setId, status: 'published', counselorId: 'c-001' });
    const discard = await act(t, otherCounselor, setId, 'discard', `"${version}"`, { reason: 'clean-up' });
    expect(discard.status).toBe(403);
    expect(discard.body.type).toBe('https://aiguillage.example/problems/not-set-counselor');
    // Their queue, the sets of their caseload, lists it: that is how they find it.
    const queue = await t.http
      .get('/v1/recommendations?seekerId=js-1')
      .auth(otherCounselor, { type: 'bearer' });
    expect(queue.body.items.map((set: { id: string }) => set.id)).toContain(setId);
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

  it('answers a retry of an earlier creation with 404 once the person has moved, as a new request', async () => {
    await syncSeeker(t, 'js-retry');
    const key = 'retry-after-move-0001';
    expect((await requestSet(t, counselor, 'js-retry', { idempotencyKey: key })).status).toBe(201);
    expect((await requestSet(t, counselor, 'js-retry', { idempotencyKey: key })).status).toBe(201);

    await syncSeeker(t, 'js-retry', aWorkflowSeeker({ counselorId: 'c-002' }));

    const retry = await requestSet(t, counselor, 'js-retry', { idempotencyKey: key });
    expect(retry.status).toBe(404);
    expect(retry.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(retry.body)).not.toMatch(/items|score|attributions/);
    const fresh = await requestSet(t, counselor, 'js-retry');
    expect(withoutInstance(fresh.body)).toEqual(withoutInstance(retry.body));
  });

  it('withdraws nothing when the sync keeps the same counselor', async () => {
    const { set } = await createSet(t, otherCounselor, 'js-1');
    await syncSeeker(t, 'js-1', aWorkflowSeeker({ counselorId: 'c-002', monthsUnemployed: 14 }));
    expect((await readSet(t, otherCounselor, set.id)).set.status).toBe('pending_review');
  });
});
