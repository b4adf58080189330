import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedDecisionEvent } from '../../src/decision-log/decision-event.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  createSet,
  decideAll,
  putSettings,
  readSet,
  requestAccessRecord,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

describe('several possible second reviewers reading a set in turn', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;
  let thirdCounselor: string;
  let fourthCounselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
    thirdCounselor = await t.tokenFor('counselor', 'c-003');
    fourthCounselor = await t.tokenFor('counselor', 'c-004');
  });
  beforeEach(() => putSettings(t, { secondReviewRate: 1 }));
  afterAll(() => t.close());

  async function handToSecondReview() {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
    const { etag } = await decideAll(t, counselor, set.id, { approve: 1 });
    const handed = await act(t, counselor, set.id, 'publish', etag);
    expect(handed.body.status).toBe('awaiting_second_review');
    return { setId: String(handed.body.id), etag: String(handed.headers.etag) };
  }

  const pseudonymise = (id: string) => t.container.decisionLog.pseudonymiser.pseudonymise(id);

  /** The second reviewers' reads of set `setId` as an admin reads them in the person's access record. */
  async function accessRecordReadsOf(setId: string, accessRequest: string): Promise<unknown> {
    const admin = await t.tokenFor('admin', 'ops-1');
    const res = await requestAccessRecord(t, admin, 'js-1', accessRequest);
    expect(res.status).toBe(200);
    const sets = res.body.suggestionSets as Array<{ id: string; secondReview: { reads: unknown } }>;
    return sets.find((set) => set.id === setId)?.secondReview.reads;
  }

  async function eventsOf(setId: string): Promise<RecordedDecisionEvent[]> {
    return (await t.container.decisionLog.decisionLog.listEvents({ limit: 1000 })).filter(
      (event) => event.payload.setId === setId,
    );
  }

  it('lets the first of two readers approve with the ETag of their read, the other’s later read leaving it current', async () => {
    const { setId, etag } = await handToSecondReview();
    const firstReadAt = clock.now().toISOString();
    const first = await readSet(t, otherCounselor, setId);
    clock.advance(60_000);
    const second = await readSet(t, thirdCounselor, setId);
    // A read is no change of the set: neither its counselor's ETag nor the first reader's moves.
    expect(first.etag).toBe(etag);
    expect(second.etag).toBe(first.etag);
    expect(second.set.secondReview.openedAt).toBe(clock.now().toISOString());

    clock.advance(30_000);
    const approved = await act(t, otherCounselor, setId, 'second-review', first.etag, {
      decision: 'approve',
    });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('published');
    expect(approved.body.secondReview).toMatchObject({ reviewerId: 'c-002', openedAt: firstReadAt });
    const events = await eventsOf(setId);
    expect(events.find((event) => event.type === 'second_review.completed')?.payload).toEqual({
      setId,
      decision: 'approve',
      secondsSinceOpened: 90,
    });
  });

  it('still refuses the approval of a counselor who did not read the set, however many others did', async () => {
    const { setId } = await handToSecondReview();
    await readSet(t, otherCounselor, setId);
    const read = await readSet(t, thirdCounselor, setId);
    const blind = await act(t, fourthCounselor, setId, 'second-review', read.etag, { decision: 'approve' });
    expect(blind.status).toBe(409);
    expect(blind.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(blind.body.type).toMatch(/problems\/second-review-unread$/);
  });

  it('logs each reader’s first read once, and shows the set’s counselor every read', async () => {
    const { setId } = await handToSecondReview();
    const firstAt = clock.now().toISOString();
    await readSet(t, otherCounselor, setId);
    clock.advance(60_000);
    const secondAt = clock.now().toISOString();
    await readSet(t, thirdCounselor, setId);
    clock.advance(60_000);
    await readSet(t, otherCounselor, setId);

    const opened = (await eventsOf(setId)).filter((event) => event.type === 'second_review.opened');
    expect(opened.map((event) => [event.actor.pseudonym, event.occurredAt])).toEqual([
      [pseudonymise('c-002'), firstAt],
      [pseudonymise('c-003'), secondAt],
    ]);
    const own = await readSet(t, counselor, setId);
    expect(own.set.secondReview.openedAt).toBeNull();
    expect(own.set.secondReview.reads).toEqual([
      { by: 'c-002', at: firstAt },
      { by: 'c-003', at: secondAt },
    ]);
  });

  it('gives every second reviewer’s read in the access record, by pseudonym', async () => {
    const { setId } = await handToSecondReview();
    const firstAt = clock.now().toISOString();
    await readSet(t, otherCounselor, setId);
    clock.advance(60_000);
    const secondAt = clock.now().toISOString();
    await readSet(t, thirdCounselor, setId);
    expect(await accessRecordReadsOf(setId, 'DSAR-2026-0779')).toEqual([
      { by: pseudonymise('c-002'), at: firstAt, round: 1 },
      { by: pseudonymise('c-003'), at: secondAt, round: 1 },
    ]);
  });

  it('keeps the reads before a return in the access record when the set is handed on again, the approval resting on the new round’s reads only', async () => {
    const { setId } = await handToSecondReview();
    const firstAt = clock.now().toISOString();
    const read = await readSet(t, otherCounselor, setId);
    clock.advance(60_000);
    const returned = await act(t, otherCounselor, setId, 'second-review', read.etag, {
      decision: 'return',
      comment: 'Vérifier les dates de session.',
    });
    expect(returned.status).toBe(200);
    clock.advance(60_000);
    const own = await readSet(t, counselor, setId);
    const handedAgain = await act(t, counselor, setId, 'publish', own.etag);
    expect(handedAgain.body.status).toBe('awaiting_second_review');
    clock.advance(60_000);
    const secondAt = clock.now().toISOString();
    const peer = await readSet(t, thirdCounselor, setId);

    // The read before the return was of the set as it stood then: it approves nothing now.
    const stale = await act(t, otherCounselor, setId, 'second-review', peer.etag, { decision: 'approve' });
    expect(stale.status).toBe(409);
    expect(stale.body.type).toMatch(/problems\/second-review-unread$/);
    expect(peer.set.secondReview.reads).toEqual([{ by: 'c-003', at: secondAt }]);

    clock.advance(60_000);
    const againAt = clock.now().toISOString();
    await readSet(t, otherCounselor, setId);
    // Every read by a possible second reviewer, each once, as the log's openings have them.
    expect(await accessRecordReadsOf(setId, 'DSAR-2026-0780')).toEqual([
      { by: pseudonymise('c-002'), at: firstAt, round: 1 },
      { by: pseudonymise('c-003'), at: secondAt, round: 2 },
      { by: pseudonymise('c-002'), at: againAt, round: 2 },
    ]);
    const opened = (await eventsOf(setId)).filter((event) => event.type === 'second_review.opened');
    expect(opened.map((event) => [event.actor.pseudonym, event.occurredAt])).toEqual([
      [pseudonymise('c-002'), firstAt],
      [pseudonymise('c-003'), secondAt],
      [pseudonymise('c-002'), againAt],
    ]);
  });
});
