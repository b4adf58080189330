import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { eraseJobSeeker, putSeeker, syncSeeker } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * An erasure keeps only the objection that stood (information notice, « Une opposition en cours est
 * gardée »): a person enrolled again reads in their export that objection, and nothing else of their
 * objection history before the erasure, which the log keeps under their pseudonym.
 */
describe('the objection history of a person enrolled again after their erasure', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('starts at the erasure, keeping only the objection that stood', async () => {
    const seekerId = 'js-1001';
    await syncSeeker(t, seekerId);
    const seeker = await t.tokenFor('job_seeker', seekerId);
    const object = () =>
      t.http.post('/v1/me/objection').auth(seeker, { type: 'bearer' }).send({ comment: 'Je préfère sans.' });
    const withdraw = () => t.http.delete('/v1/me/objection').auth(seeker, { type: 'bearer' });
    expect((await object()).status).toBe(200);
    expect((await withdraw()).status).toBe(204);
    expect((await object()).status).toBe(200);
    expect((await withdraw()).status).toBe(204);
    const byPhone = await t.http
      .post(`/v1/job-seekers/${seekerId}/objection`)
      .auth(counselor, { type: 'bearer' })
      .send({ channel: 'phone', comment: 'Appel du 3 octobre.' });
    expect(byPhone.status).toBe(200);
    const before = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
    expect(before.body.objectionHistory).toHaveLength(5);

    const admin = await t.tokenFor('admin', 'ops-1');
    expect((await eraseJobSeeker(t, admin, seekerId)).status).toBe(204);
    expect([200, 201]).toContain((await putSeeker(t, seekerId, undefined, true)).status);

    const after = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
    expect(after.status).toBe(200);
    const kept = { recordedAt: byPhone.body.recordedAt, recordedBy: 'counselor', channel: 'phone' };
    expect(after.body.objection).toEqual(kept);
    expect(after.body.objectionHistory).toEqual([
      { action: 'recorded', at: kept.recordedAt, by: 'counselor', channel: 'phone', comment: null },
    ]);

    // What happens after the return is listed after it.
    expect((await withdraw()).status).toBe(204);
    const later = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
    expect(later.body.objectionHistory.map((entry: { action: string }) => entry.action)).toEqual([
      'recorded',
      'withdrawn',
    ]);
  });

  it('starts empty when no objection stood at the erasure', async () => {
    const seekerId = 'js-1002';
    await syncSeeker(t, seekerId);
    const seeker = await t.tokenFor('job_seeker', seekerId);
    expect((await t.http.post('/v1/me/objection').auth(seeker, { type: 'bearer' }).send({})).status).toBe(
      200,
    );
    expect((await t.http.delete('/v1/me/objection').auth(seeker, { type: 'bearer' })).status).toBe(204);
    const admin = await t.tokenFor('admin', 'ops-1');
    expect((await eraseJobSeeker(t, admin, seekerId)).status).toBe(204);
    expect([200, 201]).toContain((await putSeeker(t, seekerId, undefined, true)).status);

    const after = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
    expect(after.body.objection).toBeNull();
    expect(after.body.objectionHistory).toEqual([]);
  });
});
