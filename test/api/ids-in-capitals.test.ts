import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  createAndPublish,
  createSet,
  decide,
  decideAll,
  newIdempotencyKey,
  type SetBody,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * UUIDs are case-insensitive (RFC 9562): a case-management tool that writes the ids it was given in
 * capitals, or as URNs, as the contract's `format: uuid` accepts, reaches the same set, item or
 * incident, and reads it back in lower case.
 */
describe('ids sent in capitals', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('reads a set whose id is sent in capitals, or as a URN, as the set itself', async () => {
    const { set } = await createSet(t, counselor);
    for (const written of [set.id.toUpperCase(), `urn:uuid:${set.id}`, `URN:UUID:${set.id.toUpperCase()}`]) {
      const res = await t.http.get(`/v1/recommendations/${written}`).auth(counselor, { type: 'bearer' });
      expect(res.status, `${written}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.id).toBe(set.id);
    }
  });

  it('decides an item whose set and item ids are sent in capitals', async () => {
    const { set, etag } = await createSet(t, counselor);
    const item = set.items[0];
    if (item === undefined) throw new Error('the set has no item');
    const res = await decide(t, counselor, set.id.toUpperCase(), item.itemId.toUpperCase(), etag, {
      decision: 'approve',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const decided = (res.body as SetBody).items.find((candidate) => candidate.itemId === item.itemId);
    expect(decided?.decision).toBe('approved');
  });

  it('orders the approved items given by ids in capitals', async () => {
    const { set: created } = await createSet(t, counselor);
    const { set, etag } = await decideAll(t, counselor, created.id, { approve: 2 });
    const approved = set.items.filter((item) => item.decision === 'approved').map((item) => item.itemId);
    const res = await t.http
      .put(`/v1/recommendations/${set.id.toUpperCase()}/order`)
      .auth(counselor, { type: 'bearer' })
      .set('If-Match', etag)
      .send({ itemIds: [...approved].reverse().map((id) => id.toUpperCase()) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const order = (res.body as SetBody).items
      .filter((item) => item.decision === 'approved')
      .sort((a, b) => (a.displayOrder ?? 0) - (b.displayOrder ?? 0))
      .map((item) => item.itemId);
    expect(order).toEqual([...approved].reverse());
  });

  it("reads the explanation of a published item whose id the person's portal sends in capitals", async () => {
    const published = await createAndPublish(t, counselor, 'js-1', { approve: 1 });
    const item = published.items.find((candidate) => candidate.decision === 'approved');
    if (item === undefined) throw new Error('nothing approved');
    const seeker = await t.tokenFor('job_seeker', 'js-1');
    const res = await t.http
      .get(`/v1/me/recommendations/${item.itemId.toUpperCase()}/explanation`)
      .auth(seeker, { type: 'bearer' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it('records an incident naming a set in capitals, and reads the incident by its id in capitals', async () => {
    const { set } = await createSet(t, counselor);
    const admin = await t.tokenFor('admin', 'ops-1');
    const recorded = await t.http
      .post('/v1/audit/incidents')
      .auth(admin, { type: 'bearer' })
      .set('Idempotency-Key', newIdempotencyKey())
      .send({
        summary: 'Suggestions published for courses whose sessions had been cancelled',
        severity: 'malfunction',
        detectedAt: clock.now().toISOString(),
        setIds: [set.id.toUpperCase()],
      });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(201);
    expect(recorded.body.setIds).toEqual([set.id]);
    const notified = await t.http
      .post(`/v1/audit/incidents/${String(recorded.body.incidentId).toUpperCase()}/notifications`)
      .auth(admin, { type: 'bearer' })
      .set('Idempotency-Key', newIdempotencyKey())
      .send({ recipient: 'authority', notifiedAt: clock.now().toISOString() });
    expect(notified.status, JSON.stringify(notified.body)).toBe(201);
  });

  it('still refuses, with 400 naming the parameter, an id that is no UUID', async () => {
    const { set, etag } = await createSet(t, counselor);
    const res = await act(t, counselor, `${set.id}x`, 'discard', etag, { reason: 'no longer relevant' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '/params/setId' })]);
  });
});
