import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordStatements } from '../support/query-plans.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  aWorkflowSeeker,
  createAndPublish,
  createSet,
  createSetByHand,
  decide,
  decideAll,
  newIdempotencyKey,
  putSettings,
  readSet,
  requestSet,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const DAY_MS = 86_400_000;

/** What a counselor is told about a set's suggestions before weighing them. */
describe("a set's caveats, on every reading", () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('has none for a person whose target occupation the suggestions train for, on a recent profile', async () => {
    const { set } = await createSet(t, counselor, 'js-1');
    expect(set.caveats).toEqual([]);
  });

  it("warns that none of the suggestions trains for the person's target occupation, when the catalog has none for it", async () => {
    await syncSeeker(t, 'js-unknown-job', aWorkflowSeeker({ targetOccupations: ['N9999'] }));
    const { set } = await createSet(t, counselor, 'js-unknown-job');
    expect(set.items.length).toBeGreaterThan(0);
    const expected = [{ code: 'no_occupation_match', message: expect.stringContaining('N9999') }];
    expect(set.caveats).toEqual(expected);
    const read = await readSet(t, counselor, set.id);
    expect(read.set.caveats).toEqual(expected);
  });

  it('names the target occupations with their labels in the referential, on the creation’s answer, a read and an action’s answer', async () => {
    const admin = await t.tokenFor('admin', 'ops-1');
    const load = await t.http
      .put('/v1/occupations')
      .auth(admin, { type: 'bearer' })
      .send({ items: [{ code: 'M1607', label: 'Secrétariat' }] });
    expect(load.status).toBe(200);
    await syncSeeker(t, 'js-labelled-job', aWorkflowSeeker({ targetOccupations: ['M1607', 'N9999'] }));

    const { set } = await createSet(t, counselor, 'js-labelled-job');
    const named = "the person's target occupations (M1607 (Secrétariat), N9999): ";
    expect(set.caveats).toEqual([{ code: 'no_occupation_match', message: expect.stringContaining(named) }]);
    const read = await readSet(t, counselor, set.id);
    expect(read.set.caveats).toEqual(set.caveats);
    const [item] = read.set.items;
    if (item === undefined) throw new Error('the set holds suggestions');
    const decided = await decide(t, counselor, set.id, item.itemId, read.etag, { decision: 'approve' });
    expect(decided.status).toBe(200);
    expect(decided.body.caveats).toEqual(set.caveats);
  });

  it('reads no occupation label for a set the caveat does not flag, made or read', async () => {
    await syncSeeker(t, 'js-matched-job');
    const ofLabels = async (work: () => Promise<unknown>) =>
      (await recordStatements(t.container.db, work)).filter(({ sql }) => /\boccupation_labels\b/.test(sql));
    let setId = '';

    expect(
      await ofLabels(async () => {
        const { set } = await createSet(t, counselor, 'js-matched-job');
        expect(set.caveats).toEqual([]);
        setId = set.id;
      }),
    ).toEqual([]);
    expect(await ofLabels(() => readSet(t, counselor, setId))).toEqual([]);
  });

  it('warns that the profile the model saw was last synced months before', async () => {
    await syncSeeker(t, 'js-old-profile');
    clock.advance(100 * DAY_MS);
    const { set } = await createSet(t, counselor, 'js-old-profile');
    expect(set.caveats).toEqual([
      { code: 'profile_not_recent', message: expect.stringContaining('100 days') },
    ]);
  });

  describe('replayed to a creation retried with its Idempotency-Key', () => {
    it('replays the no_occupation_match caveat with the person’s occupations, as first answered', async () => {
      // No course of the catalog trains for M1805: every suggestion lacks an exact occupation match.
      await syncSeeker(t, 'js-caveat', aWorkflowSeeker({ targetOccupations: ['M1805'] }));
      const key = newIdempotencyKey();
      const first = await requestSet(t, counselor, 'js-caveat', { idempotencyKey: key });
      expect(first.status).toBe(201);
      expect(first.body.caveats[0].message).toContain('(M1805)');

      const again = await requestSet(t, counselor, 'js-caveat', { idempotencyKey: key });
      expect(again.status).toBe(201);
      expect(again.body.caveats).toEqual(first.body.caveats);
      expect(again.body).toEqual(first.body);
    });

    it('answers the same key sent twice at once with one body: the loser of the race gets the winner’s caveats', async () => {
      await syncSeeker(t, 'js-caveat-race', aWorkflowSeeker({ targetOccupations: ['M1805'] }));
      const key = newIdempotencyKey();
      const [a, b] = await Promise.all([
        requestSet(t, counselor, 'js-caveat-race', { idempotencyKey: key }),
        requestSet(t, counselor, 'js-caveat-race', { idempotencyKey: key }),
      ]);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.id).toBe(b.body.id);
      expect(a.body.caveats).toEqual(b.body.caveats);
    });

    it('replays the profile_not_recent caveat the first answer gave', async () => {
      await syncSeeker(t, 'js-stale');
      clock.advance(100 * DAY_MS);
      const key = newIdempotencyKey();
      const first = await requestSet(t, counselor, 'js-stale', { idempotencyKey: key });
      expect(first.status).toBe(201);
      expect(first.body.caveats.map((c: { code: string }) => c.code)).toContain('profile_not_recent');

      const again = await requestSet(t, counselor, 'js-stale', { idempotencyKey: key });
      expect(again.body.caveats).toEqual(first.body.caveats);
    });
  });
});

describe("a set's caveats while suggestions are switched off (the kill switch)", () => {
  let t: TestApp;
  let counselor: string;
  let otherCounselor: string;

  beforeAll(async () => {
    ({ t, counselor, otherCounselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  /** The codes of a set's caveats. */
  const codesOf = (set: { caveats: Array<{ code: string }> }) => set.caveats.map((caveat) => caveat.code);

  afterEach(() => putSettings(t, {}));

  it("tells the counselor that the model's suggestions may be rejected but not approved nor published, on every answer", async () => {
    await syncSeeker(t, 'js-switch-off');
    const { set: created } = await createSet(t, counselor, 'js-switch-off');
    await putSettings(t, { aiEnabled: false });

    const { set, etag } = await readSet(t, counselor, created.id);

    expect(set.caveats).toEqual([
      {
        code: 'ai_disabled',
        message: expect.stringMatching(
          /switched off.*may be approved, nor the set published.*rejecting them/,
        ),
      },
    ]);
    expect(set.allowedActions).toEqual(['decide_item', 'add_item', 'discard']);
    const [item] = set.items;
    if (item === undefined) throw new Error('the model suggested nothing');
    const rejected = await decide(t, counselor, set.id, item.itemId, etag, {
      decision: 'reject',
      reasonCode: 'not_matching_project',
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body.caveats).toEqual(set.caveats);
  });

  it('says nothing of the switch once suggestions are switched back on', async () => {
    await syncSeeker(t, 'js-switch-back');
    const { set: created } = await createSet(t, counselor, 'js-switch-back');
    await putSettings(t, { aiEnabled: false });
    expect(codesOf((await readSet(t, counselor, created.id)).set)).toEqual(['ai_disabled']);

    await putSettings(t, { aiEnabled: true });

    const { set } = await readSet(t, counselor, created.id);
    expect(set.caveats).toEqual([]);
    expect(set.allowedActions).toContain('decide_item');
  });

  it('says nothing of the switch on a set made by hand', async () => {
    await syncSeeker(t, 'js-switch-by-hand');
    const { set: created } = await createSetByHand(t, counselor, 'js-switch-by-hand');
    await putSettings(t, { aiEnabled: false });

    const { set } = await readSet(t, counselor, created.id);

    expect(set.model).toBeNull();
    expect(set.caveats).toEqual([]);
    expect(set.allowedActions).toContain('publish');
  });

  it('tells a second reviewer that the set may not be approved in its second review, but returned', async () => {
    await syncSeeker(t, 'js-switch-second');
    await putSettings(t, { secondReviewRate: 1 });
    const { set: created } = await createSet(t, counselor, 'js-switch-second');
    const { etag } = await decideAll(t, counselor, created.id, { approve: 1 });
    const handed = await act(t, counselor, created.id, 'publish', etag);
    expect(handed.body.status).toBe('awaiting_second_review');
    await putSettings(t, { secondReviewRate: 1, aiEnabled: false });

    const { set } = await readSet(t, otherCounselor, created.id);

    expect(set.caveats).toEqual([
      {
        code: 'ai_disabled',
        message: expect.stringMatching(/not be approved in its second review.*return it to its counselor/),
      },
    ]);
    expect(set.allowedActions).toEqual(['second_review']);
    expect((await readSet(t, counselor, created.id)).set.caveats).toEqual(set.caveats);
  });

  it('says nothing of the switch on a set whose review is over, which it holds back no longer', async () => {
    await syncSeeker(t, 'js-switch-published');
    const published = await createAndPublish(t, counselor, 'js-switch-published', { approve: 1 });
    await putSettings(t, { aiEnabled: false });

    const { set } = await readSet(t, counselor, published.id);

    expect(set.status).toBe('published');
    expect(set.caveats).toEqual([]);
  });
});
