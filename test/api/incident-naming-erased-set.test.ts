import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import {
  createSet,
  createSetByHand,
  eraseJobSeeker,
  newIdempotencyKey,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const DAY = 86_400_000;
const NEVER_LOGGED_ID = '00000000-0000-4000-8000-000000000000';

/**
 * An incident names the sets it concerned by what the decision log records of them, not by the
 * rows the application still holds: an erasure deletes the person's sets, and the log keeps their
 * events, so an incident about them stays possible; an id the log never recorded a set under is
 * refused.
 */
describe('an incident naming a set whose person was erased', () => {
  let t: TestApp;
  let clock: TestClock;
  let admin: string;
  let auditor: string;
  let erasedSetId: string;
  let heldSetId: string;

  beforeAll(async () => {
    const app = await startWorkflowApp();
    ({ t, clock } = app);
    admin = await t.tokenFor('admin', 'ops-1');
    auditor = await t.tokenFor('auditor', 'dpo-1');
    erasedSetId = (await createSet(t, app.counselor)).set.id;
    await syncSeeker(t, 'js-2');
    heldSetId = (await createSetByHand(t, app.counselor, 'js-2')).set.id;
    clock.advance(DAY);
    const erased = await eraseJobSeeker(t, admin, 'js-1');
    expect(erased.status, JSON.stringify(erased.body)).toBe(204);
    clock.advance(DAY);
  });
  afterAll(() => t.close());

  const record = (setIds: string[]) =>
    t.http
      .post('/v1/audit/incidents')
      .auth(auditor, { type: 'bearer' })
      .set('Idempotency-Key', newIdempotencyKey())
      .send({
        summary: 'Suggestions published for courses whose sessions had been cancelled',
        severity: 'serious',
        detectedAt: new Date(clock.now().getTime() - DAY / 2).toISOString(),
        setIds,
      });
  const countRecorded = async () =>
    Number(
      (
        (await t.container.db('decision_events').where({ type: 'incident.recorded' }).count({ n: '*' })) as [
          { n: number | string },
        ]
      )[0].n,
    );

  it('an incident may name a set whose person was erased', async () => {
    expect(await t.container.db('recommendation_sets').where({ id: erasedSetId }).first()).toBeUndefined();
    const res = await record([erasedSetId, heldSetId]);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.setIds).toEqual([erasedSetId, heldSetId]);
    expect(res.body.namedSets).toEqual([
      { setId: erasedSetId, state: 'erased' },
      { setId: heldSetId, state: 'held' },
    ]);
    // Nothing of the person in the record: the set by its id, and what became of it.
    expect(JSON.stringify(res.body)).not.toMatch(/js-1/);

    const listed = await t.http
      .get('/v1/audit/incidents')
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'incident follow-up');
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(listed.body.items[0]).toMatchObject({
      incidentId: res.body.incidentId,
      namedSets: [
        { setId: erasedSetId, state: 'erased' },
        { setId: heldSetId, state: 'held' },
      ],
    });
  });

  it('an incident naming a set id never logged is refused', async () => {
    const before = await countRecorded();
    const res = await record([erasedSetId, NEVER_LOGGED_ID]);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ field: 'setIds', unknownSetIds: [NEVER_LOGGED_ID] });
    expect(res.body.detail).toMatch(/decision log records no recommendation set/);
    expect(await countRecorded()).toBe(before);
  });
});
