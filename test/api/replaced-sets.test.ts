import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionEvent } from '../../src/decision-log/decision-event.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  approveAfterReading,
  createAndPublish,
  createSet,
  createSetByHand,
  decideAll,
  eraseJobSeeker,
  putSettings,
  readSet,
  reopenAsLeftBeforeWithdrawal,
  requestAccessRecord,
  type SetBody,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;
const REASON = 'Le modèle a proposé des formations sans rapport avec son projet.';

type Replacement = { setId: string; at: string } | null;

/**
 * The person sees only their latest set given (GET /v1/me/recommendations): a publication takes the
 * set they saw until then out of sight, and says so on that set and in the log.
 */
describe('a published set replaced by a later publication', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  async function replacedByOf(setId: string): Promise<Replacement> {
    const { set } = await readSet(t, counselor, setId);
    return set.replacedBy;
  }

  /** The set as the counselor's queue summarises it. */
  async function summaryOf(seekerId: string, setId: string) {
    const res = await t.http
      .get(`/v1/recommendations?seekerId=${seekerId}`)
      .auth(counselor, { type: 'bearer' });
    expect(res.status).toBe(200);
    const summary = (res.body.items as Array<{ id: string; status: string; replacedBy: Replacement }>).find(
      (item) => item.id === setId,
    );
    if (summary === undefined) throw new Error(`set ${setId} is not in the queue`);
    return summary;
  }

  async function publishedEventOf(setId: string): Promise<DecisionEvent | undefined> {
    const events = await t.container.decisionLog.decisionLog.listEvents({
      types: ['recommendation.published'],
      limit: 1000,
    });
    return events.find((event) => event.payload.setId === setId);
  }

  async function portalPublishedAt(seekerId: string): Promise<string | null> {
    const token = await t.tokenFor('job_seeker', seekerId);
    const res = await t.http.get('/v1/me/recommendations').auth(token, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.body.publishedAt as string | null;
  }

  async function portalItemIds(seekerId: string): Promise<string[]> {
    const token = await t.tokenFor('job_seeker', seekerId);
    const res = await t.http.get('/v1/me/recommendations').auth(token, { type: 'bearer' });
    expect(res.status).toBe(200);
    return (res.body.items as Array<{ itemId: string }>).map((item) => item.itemId);
  }

  const approvedItemIds = (set: SetBody) =>
    set.items.filter((item) => item.decision === 'approved').map((item) => item.itemId);

  it('replaces nothing at a first publication: the set and its event name no replacement', async () => {
    await syncSeeker(t, 'js-replace-first');
    const first = await createAndPublish(t, counselor, 'js-replace-first', { approve: 1 });

    expect(first.replacedBy).toBeNull();
    expect(await replacedByOf(first.id)).toBeNull();
    expect((await summaryOf('js-replace-first', first.id)).replacedBy).toBeNull();
    expect((await publishedEventOf(first.id))?.payload.replacesSetId).toBeNull();
  });

  it('marks the set the person saw replaced when the next one is published: by which set and when, in the set and the queue, its status still published', async () => {
    await syncSeeker(t, 'js-replace-second');
    const first = await createAndPublish(t, counselor, 'js-replace-second', { approve: 1 });
    const before = await readSet(t, counselor, first.id);
    clock.advance(HOUR);
    const second = await createAndPublish(t, counselor, 'js-replace-second', { approve: 1 });
    const replacement = { setId: second.id, at: second.publishedAt };

    const after = await readSet(t, counselor, first.id);
    expect(after.set).toMatchObject({ status: 'published', replacedBy: replacement });
    // The set changed: an ETag read before the replacement is stale.
    expect(after.etag).not.toBe(before.etag);
    expect(await summaryOf('js-replace-second', first.id)).toMatchObject({
      status: 'published',
      replacedBy: replacement,
    });
    // The set now in front of the person is not replaced.
    expect(await replacedByOf(second.id)).toBeNull();
    expect((await summaryOf('js-replace-second', second.id)).replacedBy).toBeNull();
    expect(await portalPublishedAt('js-replace-second')).toBe(second.publishedAt);
  });

  it('names the replaced set in the publication event, in its public part', async () => {
    await syncSeeker(t, 'js-replace-event');
    const first = await createAndPublish(t, counselor, 'js-replace-event', { approve: 1 });
    clock.advance(HOUR);
    const second = await createAndPublish(t, counselor, 'js-replace-event', { approve: 1 });

    const event = await publishedEventOf(second.id);
    expect(event?.payload.replacesSetId).toBe(first.id);
    expect(event?.personal).toBeNull();
    expect((await t.container.decisionLog.decisionLog.verifyRange()).ok).toBe(true);
  });

  it('replaces only the set the person saw: a third publication replaces the second, and the first keeps its replacement', async () => {
    await syncSeeker(t, 'js-replace-third');
    const first = await createAndPublish(t, counselor, 'js-replace-third', { approve: 1 });
    clock.advance(HOUR);
    const second = await createAndPublish(t, counselor, 'js-replace-third', { approve: 1 });
    const firstAfterSecond = await readSet(t, counselor, first.id);
    clock.advance(HOUR);
    const third = await createAndPublish(t, counselor, 'js-replace-third', { approve: 1 });

    const firstNow = await readSet(t, counselor, first.id);
    expect(firstNow.set.replacedBy).toEqual({
      setId: second.id,
      at: second.publishedAt,
    });
    expect(firstNow.etag).toBe(firstAfterSecond.etag);
    expect(await replacedByOf(second.id)).toEqual({ setId: third.id, at: third.publishedAt });
    expect((await publishedEventOf(third.id))?.payload.replacesSetId).toBe(second.id);
  });

  it('replaces nothing when the latest set given was retracted: the person saw no set, and the retracted one is not marked', async () => {
    await syncSeeker(t, 'js-replace-retracted');
    const first = await createAndPublish(t, counselor, 'js-replace-retracted', { approve: 1 });
    clock.advance(HOUR);
    const second = await createAndPublish(t, counselor, 'js-replace-retracted', { approve: 1 });
    const { etag } = await readSet(t, counselor, second.id);
    expect((await act(t, counselor, second.id, 'retract', etag, { reason: REASON })).status).toBe(200);
    clock.advance(HOUR);
    const third = await createAndPublish(t, counselor, 'js-replace-retracted', { approve: 1 });

    const retracted = await readSet(t, counselor, second.id);
    expect(retracted.set).toMatchObject({ status: 'retracted', replacedBy: null });
    expect(await summaryOf('js-replace-retracted', second.id)).toMatchObject({
      status: 'retracted',
      replacedBy: null,
    });
    expect((await publishedEventOf(third.id))?.payload.replacesSetId).toBeNull();
    // The first set had been replaced by the second before the retraction: that stays as it was.
    expect(await replacedByOf(first.id)).toEqual({ setId: second.id, at: second.publishedAt });
  });

  it('keeps the replacement of a replaced set retracted afterwards', async () => {
    await syncSeeker(t, 'js-replace-then-retract');
    const first = await createAndPublish(t, counselor, 'js-replace-then-retract', { approve: 1 });
    clock.advance(HOUR);
    const second = await createAndPublish(t, counselor, 'js-replace-then-retract', { approve: 1 });
    const { etag } = await readSet(t, counselor, first.id);

    const res = await act(t, counselor, first.id, 'retract', etag, { reason: REASON });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'retracted',
      replacedBy: { setId: second.id, at: second.publishedAt },
    });
    expect(await portalPublishedAt('js-replace-then-retract')).toBe(second.publishedAt);
  });

  it('marks the previous set replaced when a second reviewer’s approval publishes the next one', async () => {
    await syncSeeker(t, 'js-replace-second-review');
    const first = await createAndPublish(t, counselor, 'js-replace-second-review', { approve: 1 });
    await putSettings(t, { secondReviewRate: 1 });
    try {
      clock.advance(HOUR);
      const { set } = await createSet(t, counselor, 'js-replace-second-review');
      const { etag } = await decideAll(t, counselor, set.id, { approve: 1 });
      const handed = await act(t, counselor, set.id, 'publish', etag);
      expect(handed.body.status).toBe('awaiting_second_review');
      // Handed to a second reviewer, the set is not given yet: the first is still in front of the person.
      expect(await replacedByOf(first.id)).toBeNull();
      clock.advance(HOUR);

      const approved = await approveAfterReading(t, otherCounselor, set.id);
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({ status: 'published', replacedBy: null });
      const replacement = { setId: set.id, at: approved.body.publishedAt as string };
      expect(await replacedByOf(first.id)).toEqual(replacement);
      expect((await summaryOf('js-replace-second-review', first.id)).replacedBy).toEqual(replacement);
      expect((await publishedEventOf(set.id))?.payload.replacesSetId).toBe(first.id);
    } finally {
      await putSettings(t, {});
    }
  });

  it('shows the person the set published last, and marks the other replaced, when both are published in the same millisecond', async () => {
    // The clock stands still: the set made first (the smaller id) is published second. Starting the
    // second withdraws the first, put back open as two sets of one person left before that rule are.
    await syncSeeker(t, 'js-replace-same-instant');
    const { set: madeFirst } = await createSetByHand(t, counselor, 'js-replace-same-instant');
    const { set: madeSecond } = await createSetByHand(t, counselor, 'js-replace-same-instant', ['LYON-AS-2']);
    await reopenAsLeftBeforeWithdrawal(t, madeFirst.id, 'pending_review');
    expect(madeFirst.id < madeSecond.id).toBe(true);
    const publish = async (setId: string) => {
      const { etag } = await decideAll(t, counselor, setId, { approve: 1 });
      const res = await act(t, counselor, setId, 'publish', etag);
      expect(res.status).toBe(200);
      return res.body as SetBody;
    };
    const shownFirst = await publish(madeSecond.id);
    const shownLast = await publish(madeFirst.id);

    // A millisecond later, so that the portal's order (publication time, then id) is the order of publication.
    expect(Date.parse(shownLast.publishedAt ?? '')).toBe(Date.parse(shownFirst.publishedAt ?? '') + 1);
    expect(await portalPublishedAt('js-replace-same-instant')).toBe(shownLast.publishedAt);
    expect(await portalItemIds('js-replace-same-instant')).toEqual(approvedItemIds(shownLast));
    expect(await replacedByOf(shownFirst.id)).toEqual({ setId: shownLast.id, at: shownLast.publishedAt });
    expect(await replacedByOf(shownLast.id)).toBeNull();
  });

  it('takes two publications for one person at once in turn: the set the person sees is the only one not replaced', async () => {
    await syncSeeker(t, 'js-replace-at-once');
    const earlier = await createAndPublish(t, counselor, 'js-replace-at-once', { approve: 1 });
    clock.advance(HOUR);
    // Two sets open side by side, as left before a new set withdrew the person's open one.
    const first = await createSetByHand(t, counselor, 'js-replace-at-once', ['LYON-AS-1']);
    const second = await createSetByHand(t, counselor, 'js-replace-at-once', ['LYON-AS-2']);
    await reopenAsLeftBeforeWithdrawal(t, first.set.id, 'pending_review');
    const ready = [
      { setId: first.set.id, etag: (await readSet(t, counselor, first.set.id)).etag },
      { setId: second.set.id, etag: second.etag },
    ];

    const answers = await Promise.all(
      ready.map(({ setId, etag }) => act(t, counselor, setId, 'publish', etag)),
    );
    expect(answers.map((res) => res.status)).toEqual([200, 200]);

    // Whichever committed last is the one not replaced: it replaced the other, which replaced the earlier set.
    const [one, other] = await Promise.all(
      ready.map(async ({ setId }) => (await readSet(t, counselor, setId)).set),
    );
    if (one === undefined || other === undefined) throw new Error('both sets are readable');
    const [shown, hidden] = one.replacedBy === null ? [one, other] : [other, one];
    expect(hidden.replacedBy).toEqual({ setId: shown.id, at: shown.publishedAt });
    expect(shown.replacedBy).toBeNull();
    expect(await replacedByOf(earlier.id)).toEqual({ setId: hidden.id, at: hidden.publishedAt });
    expect((await publishedEventOf(shown.id))?.payload.replacesSetId).toBe(hidden.id);
    expect((await publishedEventOf(hidden.id))?.payload.replacesSetId).toBe(earlier.id);
    // And the portal shows that set.
    expect(await portalItemIds('js-replace-at-once')).toEqual(approvedItemIds(shown));
  });

  it('tells the person in their data export which set replaced one of theirs, and the admin in the access record', async () => {
    await syncSeeker(t, 'js-replace-export');
    const first = await createAndPublish(t, counselor, 'js-replace-export', { approve: 1 });
    clock.advance(HOUR);
    const second = await createAndPublish(t, counselor, 'js-replace-export', { approve: 1 });
    const replacement = { setId: second.id, at: second.publishedAt };

    const mine = await t.http
      .get('/v1/me/data')
      .auth(await t.tokenFor('job_seeker', 'js-replace-export'), { type: 'bearer' });
    expect(mine.status).toBe(200);
    const exported = mine.body.suggestionSets as Array<{ id: string; replacedBy: Replacement }>;
    expect(exported.map((set) => [set.id, set.replacedBy])).toEqual([
      [second.id, null],
      [first.id, replacement],
    ]);

    const record = await requestAccessRecord(
      t,
      await t.tokenFor('admin', 'ops-1'),
      'js-replace-export',
      'DSAR-2026-0200',
    );
    expect(record.status).toBe(200);
    const recorded = record.body.suggestionSets as Array<{ id: string; replacedBy: Replacement }>;
    expect(recorded.find((set) => set.id === first.id)?.replacedBy).toEqual(replacement);
    expect(recorded.find((set) => set.id === second.id)?.replacedBy).toBeNull();
  });
});

/**
 * No foreign key ties a replaced set to the set that replaced it. Retention counts each set's period
 * from its publication and so purges the set it replaced first; an earlier version, which purged by
 * creation date, could delete the replacing set first, and a replaced set must not show again then.
 */
describe('a replaced set when retention or erasure deletes sets', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp({ env: { RETENTION_PERSONAL_DAYS: '60' } }));
  });
  afterAll(() => t.close());

  async function publish(setId: string): Promise<SetBody> {
    const { etag } = await decideAll(t, counselor, setId, { approve: 1 });
    const res = await act(t, counselor, setId, 'publish', etag);
    expect(res.status).toBe(200);
    return res.body as SetBody;
  }

  async function readPortal(seekerId: string) {
    const token = await t.tokenFor('job_seeker', seekerId);
    const res = await t.http.get('/v1/me/recommendations').auth(token, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.body as {
      publishedAt: string | null;
      retractedAt: string | null;
      items: Array<{ itemId: string }>;
    };
  }

  const approvedItemIds = (set: SetBody) =>
    set.items.filter((item) => item.decision === 'approved').map((item) => item.itemId);

  /** Deletes a set as retention by creation date did before, when it was made first. */
  async function deleteAsRetentionByCreationDid(setId: string): Promise<void> {
    await t.container.db('recommendation_items').where({ set_id: setId }).delete();
    await t.container.db('recommendation_sets').where({ id: setId }).delete();
  }

  let replaced: SetBody;
  let replacing: SetBody;

  it('never shows a replaced set again once the set that replaced it is purged', async () => {
    // The replacing set is made first and published last: two sets open side by side, as left before
    // a new set withdrew the person's open one.
    await syncSeeker(t, 'js-replace-purged');
    const { set: madeFirst } = await createSetByHand(t, counselor, 'js-replace-purged');
    clock.advance(24 * HOUR);
    const { set: madeSecond } = await createSetByHand(t, counselor, 'js-replace-purged', ['LYON-AS-2']);
    await reopenAsLeftBeforeWithdrawal(t, madeFirst.id, 'pending_review');
    replaced = await publish(madeSecond.id);
    clock.advance(HOUR);
    replacing = await publish(madeFirst.id);
    const replacement = { setId: replacing.id, at: replacing.publishedAt };
    expect((await readSet(t, counselor, replaced.id)).set.replacedBy).toEqual(replacement);

    // 60 days and 12 hours after the first creation, the profile synced within the period: the cutoff
    // falls between the two creations, before both publications: both sets stay.
    clock.advance(60 * 24 * HOUR - 13 * HOUR);
    await syncSeeker(t, 'js-replace-purged');
    expect((await t.container.retention.purgeExpired()).purged.recommendationSets).toBe(0);
    expect(await readPortal('js-replace-purged')).toMatchObject({
      publishedAt: replacing.publishedAt,
      items: approvedItemIds(replacing).map((itemId) => ({ itemId })),
    });

    // Yet such a set may be gone: retention went by creation date before, and took it first.
    await deleteAsRetentionByCreationDid(replacing.id);
    expect(await readPortal('js-replace-purged')).toEqual({
      publishedAt: null,
      message: null,
      retractedAt: null,
      retractionNotice: null,
      items: [],
    });
    // The counselor still reads the replaced set as replaced, by the set that is gone.
    const gone = await t.http.get(`/v1/recommendations/${replacing.id}`).auth(counselor, { type: 'bearer' });
    expect(gone.status).toBe(404);
    expect((await readSet(t, counselor, replaced.id)).set).toMatchObject({
      status: 'published',
      replacedBy: replacement,
    });
    const queue = await t.http
      .get('/v1/recommendations?seekerId=js-replace-purged')
      .auth(counselor, { type: 'bearer' });
    expect(queue.status).toBe(200);
    expect(queue.body.items).toMatchObject([{ id: replaced.id, replacedBy: replacement }]);
    const mine = await t.http
      .get('/v1/me/data')
      .auth(await t.tokenFor('job_seeker', 'js-replace-purged'), { type: 'bearer' });
    expect(mine.status).toBe(200);
  });

  it('shows the next set published after that, which replaces nothing and leaves the replaced set as it was', async () => {
    clock.advance(HOUR);
    const next = await createAndPublish(t, counselor, 'js-replace-purged', { approve: 1 });

    expect(await readPortal('js-replace-purged')).toMatchObject({
      publishedAt: next.publishedAt,
      items: approvedItemIds(next).map((itemId) => ({ itemId })),
    });
    const events = await t.container.decisionLog.decisionLog.listEvents({
      types: ['recommendation.published'],
      limit: 1000,
    });
    expect(events.find((event) => event.payload.setId === next.id)?.payload.replacesSetId).toBeNull();
    expect((await readSet(t, counselor, replaced.id)).set.replacedBy).toEqual({
      setId: replacing.id,
      at: replacing.publishedAt,
    });
  });

  it('erases a person whose sets replaced one another, every set with them', async () => {
    await syncSeeker(t, 'js-replace-erased');
    await createAndPublish(t, counselor, 'js-replace-erased', { approve: 1 });
    clock.advance(HOUR);
    await createAndPublish(t, counselor, 'js-replace-erased', { approve: 1 });

    const res = await eraseJobSeeker(t, await t.tokenFor('admin', 'ops-1'), 'js-replace-erased');
    expect(res.status).toBe(204);
    expect(await t.container.db('recommendation_sets').where({ seeker_id: 'js-replace-erased' })).toEqual([]);
  });
});
