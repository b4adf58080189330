import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { race, serviceRacer } from '../support/race.ts';
import {
  aDecidedSet,
  approvedIds,
  RACE_ORDERS,
  racePeople,
  racers,
  setsOf,
  statusesOf,
  typesOf,
} from '../support/race-setups.ts';
import type { TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';
import {
  createAndPublish,
  createSet,
  decide,
  putSettings,
  readSet,
  type SetBody,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const PROBLEMS = 'https://aiguillage.example/problems/';
const DAY = 24 * 3_600_000;
/** The personal-data period of the retention races: a set published on day 0 is past it on day 31. */
const PERSONAL_DAYS = 30;

/**
 * The retention run (`npm run retention`, and the API's daily job: `RetentionService.purgeExpired`)
 * raced against what a person or their counselor does about sets and a profile it purges: a person
 * synced on day 0, with a set published that day, the clock then moved past the personal-data
 * period. Each race has an app of its own, on a clock of its own.
 */
describe(`the retention run fired with the actions on what it purges (${TEST_ENGINE})`, () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let admin: string;
  afterEach(() => t.close());

  /** A person synced and given a published set on day 0, the clock then past the period; with the set. */
  async function aPersonPastThePeriod(): Promise<{ seekerId: string; published: SetBody }> {
    ({ t, clock, counselor } = await startWorkflowApp({
      env: {
        RATE_LIMIT_PER_MINUTE: '100000',
        RETENTION_PERSONAL_DAYS: String(PERSONAL_DAYS),
        RETENTION_READ_TRACE_DAYS: String(PERSONAL_DAYS),
      },
    }));
    admin = await t.tokenFor('admin', 'dpo-1');
    const seekerId = await racePeople(t, 'js-retention-race')();
    const published = await createAndPublish(t, counselor, seekerId, { approve: 2 });
    clock.advance((PERSONAL_DAYS + 1) * DAY);
    return { seekerId, published };
  }

  const retention = serviceRacer((r) => r.container.retention.purgeExpired());
  const profileOf = async (seekerId: string) =>
    t.container.db('job_seekers').where({ id: seekerId }).first('id');

  describe.each(RACE_ORDERS)('when $name', ({ order }) => {
    it('the retention run vs the person’s feedback on the set it purges: the set goes either way, the profile kept once the feedback came first', async () => {
      const { seekerId, published } = await aPersonPastThePeriod();
      const itemId = approvedIds(published)[0] ?? '';
      const outcome = await race(t, [retention, racers.giveFeedback(seekerId, itemId)], order);
      const { first } = outcome;

      // The set's review ended before the cutoff: it goes with its feedback, also feedback given
      // just now. The feedback is activity within the period: the profile is no longer idle.
      expect(statusesOf(outcome)).toEqual([200, first === 0 ? 404 : 201]);
      expect(typesOf(outcome)).toEqual(
        first === 0 ? ['retention.purged'] : ['feedback.given', 'retention.purged'],
      );
      expect(outcome.responses[0].body.purged).toMatchObject({
        recommendationSets: 1,
        feedback: first === 0 ? 0 : 1,
        // With `js-1`, whom the app seeds on day 0 and who is idle too.
        jobSeekers: first === 0 ? 2 : 1,
      });
      expect(await setsOf(t, seekerId)).toEqual([]);
      expect(await t.container.db('feedback').where({ seeker_id: seekerId })).toEqual([]);
      expect(await profileOf(seekerId)).toEqual(first === 0 ? undefined : { id: seekerId });
    });

    it('the retention run vs erasing the person it purges as idle: their rows gone either way, the erasure logged', async () => {
      const { seekerId } = await aPersonPastThePeriod();
      const started = Date.now();
      const outcome = await race(t, [retention, racers.erase(admin, seekerId)], order);
      const { first } = outcome;

      // Both scrub the deleted rows after their commit (VACUUM on PostgreSQL): at once, each waited
      // for the other's lock to truncate every emptied table, and both were answered 10 to 25 s later.
      expect(Date.now() - started).toBeLessThan(5_000);

      // Purged as idle first, the person is still named in the log, which the erasure shreds: it is
      // logged all the same (record 0006), as it is when it comes first and the run finds no one.
      expect(statusesOf(outcome)).toEqual([200, 204]);
      expect(typesOf(outcome)).toEqual(
        first === 0 ? ['retention.purged', 'subject.erased'] : ['subject.erased', 'retention.purged'],
      );
      // With `js-1`, whom the app seeds on day 0 and who is idle too.
      expect(outcome.responses[0].body.purged).toMatchObject({ jobSeekers: first === 0 ? 2 : 1 });
      expect(await profileOf(seekerId)).toBeUndefined();
      expect(await setsOf(t, seekerId)).toEqual([]);
    });

    it('the retention run vs a suggestion request for the person it purges as idle: a set only with the profile it was made from', async () => {
      const { seekerId, published } = await aPersonPastThePeriod();
      const outcome = await race(t, [retention, racers.askForSuggestions(counselor, seekerId)], order);
      const { first } = outcome;

      expect(outcome.responses[0].status).toBe(200);
      const sets = await setsOf(t, seekerId);
      if (first === 0) {
        expect(outcome.responses[1].status).toBe(404);
        expect(typesOf(outcome)).toEqual(['retention.purged']);
        expect(await profileOf(seekerId)).toBeUndefined();
        expect(sets).toEqual([]);
      } else {
        // The set made is activity within the period: the profile stays, the old set goes.
        expect(outcome.responses[1].status).toBe(201);
        expect(typesOf(outcome)).toEqual(['recommendation.generated', 'retention.purged']);
        expect(await profileOf(seekerId)).toEqual({ id: seekerId });
        expect(sets).toEqual([{ id: outcome.responses[1].body.id, status: 'pending_review' }]);
      }
      expect(sets.map((set) => set.id)).not.toContain(published.id);
    });

    it('the retention run vs publishing a new set of the person: the new set in front of the person either way, the old one purged', async () => {
      const { seekerId, published } = await aPersonPastThePeriod();
      const { set, etag } = await aDecidedSet(t, counselor, seekerId);
      const outcome = await race(t, [retention, racers.publish(counselor, set.id, etag)], order);
      const { first } = outcome;

      expect(statusesOf(outcome)).toEqual([200, 200]);
      expect(typesOf(outcome)).toEqual(
        first === 0
          ? ['retention.purged', 'recommendation.published']
          : ['recommendation.published', 'retention.purged'],
      );
      expect(await setsOf(t, seekerId)).toEqual([{ id: set.id, status: 'published' }]);
      expect((await readSet(t, counselor, set.id)).set.status).toBe('published');
      const portal = await t.http
        .get('/v1/me/recommendations')
        .auth(await t.tokenFor('job_seeker', seekerId), { type: 'bearer' });
      expect(portal.status).toBe(200);
      expect(portal.body.items.map((item: { itemId: string }) => item.itemId)).toEqual(approvedIds(set));
      expect(JSON.stringify(portal.body)).not.toContain(published.id);
    });
  });
});

/**
 * The exports of a person's data raced against an erasure and a publication: each is the person's
 * file wholly before the other action or wholly after it, never half of each.
 */
describe(`the exports of a person’s data fired with an erasure or a publication (${TEST_ENGINE})`, () => {
  let t: TestApp;
  let counselor: string;
  let admin: string;
  let aPerson: () => Promise<string>;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }));
    admin = await t.tokenFor('admin', 'dpo-1');
    aPerson = racePeople(t, 'js-export-race');
  });
  afterAll(() => t.close());

  describe.each(RACE_ORDERS)('when $name', ({ order }) => {
    it('the access record vs erasing the person: the whole file before the erasure, or what the log keeps after it', async () => {
      const { set } = await aDecidedSet(t, counselor, await aPerson());
      const outcome = await race(
        t,
        [racers.exportAccessRecord(admin, set.seekerId), racers.erase(admin, set.seekerId)],
        order,
      );
      const { first } = outcome;

      expect(statusesOf(outcome)).toEqual([200, 204]);
      const record = outcome.responses[0].body;
      const recorded = record.events.map((event: { type: string }) => event.type);
      if (first === 0) {
        expect(typesOf(outcome)).toEqual(['subject.access_exported', 'subject.erased']);
        expect(record.profile).not.toBeNull();
        expect(record.suggestionSets.map((s: { id: string }) => s.id)).toEqual([set.id]);
        expect(recorded).not.toContain('subject.erased');
      } else {
        // Erased first: nothing stored is left, the log's events about the person are (record 0006).
        expect(typesOf(outcome)).toEqual(['subject.erased', 'subject.access_exported']);
        expect(record.profile).toBeNull();
        expect(record.suggestionSets).toEqual([]);
        expect(record.feedback).toEqual([]);
        expect(recorded.at(-1)).toBe('subject.erased');
      }
      expect(record.exportSeq).toBe(outcome.events[first]?.seq);
    });

    it('the access record vs publishing the person’s set: the set pending or published, the log agreeing', async () => {
      const { set, etag } = await aDecidedSet(t, counselor, await aPerson());
      const outcome = await race(
        t,
        [racers.exportAccessRecord(admin, set.seekerId), racers.publish(counselor, set.id, etag)],
        order,
      );
      const { first } = outcome;

      expect(statusesOf(outcome)).toEqual([200, 200]);
      expect(typesOf(outcome)).toEqual(
        first === 0
          ? ['subject.access_exported', 'recommendation.published']
          : ['recommendation.published', 'subject.access_exported'],
      );
      const record = outcome.responses[0].body;
      expect(record.suggestionSets.map((s: { status: string }) => s.status)).toEqual([
        first === 0 ? 'pending_review' : 'published',
      ]);
      const recorded = record.events.map((event: { type: string }) => event.type);
      expect(recorded.includes('recommendation.published')).toBe(first === 1);
    });

    it('the person’s own export vs their erasure: the whole file, or refused as a file no longer held', async () => {
      const { set } = await aDecidedSet(t, counselor, await aPerson());
      const outcome = await race(
        t,
        [racers.exportOwnData(set.seekerId), racers.erase(admin, set.seekerId)],
        order,
      );

      // The export takes no lock of the log: it reads the file in one snapshot, before the erasure
      // committed (the whole file) or after (none); a commit in the middle of its reads is
      // my-data-one-snapshot.test.ts's.
      expect(outcome.responses[1].status).toBe(204);
      expect(typesOf(outcome)).toEqual(['subject.erased']);
      const exported = outcome.responses[0];
      if (exported.status === 200) {
        expect(exported.body.profile).not.toBeNull();
        expect(exported.body.suggestionSets.map((s: { id: string }) => s.id)).toEqual([set.id]);
      } else {
        expect(exported.status).toBe(404);
      }
    });

    it('the person’s own export vs publishing their set: what they are shown agrees with the set’s status', async () => {
      const { set, etag } = await aDecidedSet(t, counselor, await aPerson());
      const outcome = await race(
        t,
        [racers.exportOwnData(set.seekerId), racers.publish(counselor, set.id, etag)],
        order,
      );

      expect(statusesOf(outcome)).toEqual([200, 200]);
      expect(typesOf(outcome)).toEqual(['recommendation.published']);
      const data = outcome.responses[0].body;
      const [status] = data.suggestionSets.map((s: { status: string }) => s.status);
      expect(['pending_review', 'published']).toContain(status);
      expect(data.recommendations.map((item: { itemId: string }) => item.itemId)).toEqual(
        status === 'published' ? approvedIds(set) : [],
      );
    });
  });
});

/**
 * The blind-first shortlist raced against the actions on its set or the person's sets, and the
 * settings raced against a publication.
 */
describe(`a blind-first shortlist, or a settings change, fired with the actions it conflicts with (${TEST_ENGINE})`, () => {
  let t: TestApp;
  let counselor: string;
  let admin: string;
  let aPerson: () => Promise<string>;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }));
    admin = await t.tokenFor('admin', 'ops-1');
    aPerson = racePeople(t, 'js-shortlist-race');
  });
  afterAll(() => t.close());

  const statusOf = async (setId: string) =>
    (await t.container.db('recommendation_sets').where({ id: setId }).first('status'))?.status;

  /** A set of a new person awaiting the counselor's shortlist (blind-first), with its ETag. */
  async function aSetAwaitingShortlist(): Promise<{ set: SetBody; etag: string }> {
    await putSettings(t, { blindFirst: true });
    const { set } = await createSet(t, counselor, await aPerson());
    expect(set.status).toBe('awaiting_shortlist');
    return readSet(t, counselor, set.id);
  }
  const OWN_PICKS = ['LYON-AS-1'];
  afterEach(() => putSettings(t, {}));

  describe.each(RACE_ORDERS)('when $name', ({ order }) => {
    it('a blind-first shortlist vs discarding the set (one ETag): one of them, the other 412', async () => {
      const { set, etag } = await aSetAwaitingShortlist();
      const outcome = await race(
        t,
        [racers.shortlist(counselor, set.id, etag, OWN_PICKS), racers.discard(counselor, set.id, etag)],
        order,
      );
      const { first } = outcome;

      expect(statusesOf(outcome)).toEqual(first === 0 ? [200, 412] : [412, 200]);
      expect(typesOf(outcome)).toEqual([first === 0 ? 'shortlist.submitted' : 'recommendation.discarded']);
      expect(await statusOf(set.id)).toBe(first === 0 ? 'pending_review' : 'discarded');
    });

    it('a blind-first shortlist vs another from a second tab (one ETag): one shortlist, the other 412', async () => {
      const { set, etag } = await aSetAwaitingShortlist();
      const outcome = await race(
        t,
        [
          racers.shortlist(counselor, set.id, etag, OWN_PICKS),
          racers.shortlist(counselor, set.id, etag, ['LYON-AS-2']),
        ],
        order,
      );
      const { first } = outcome;

      const loser = first === 0 ? 1 : 0;
      expect(outcome.responses[first].status).toBe(200);
      expect(outcome.responses[loser].status).toBe(412);
      expect(typesOf(outcome)).toEqual(['shortlist.submitted']);
      const { set: after } = await readSet(t, counselor, set.id);
      expect(after.shortlist?.courseIds).toEqual(first === 0 ? OWN_PICKS : ['LYON-AS-2']);
    });

    it('a blind-first shortlist vs asking again for the person: asking again withdraws the set, shortlisted or not (record 0003)', async () => {
      const { set, etag } = await aSetAwaitingShortlist();
      const outcome = await race(
        t,
        [
          racers.shortlist(counselor, set.id, etag, OWN_PICKS),
          racers.askForSuggestions(counselor, set.seekerId),
        ],
        order,
      );
      const { first } = outcome;

      expect(statusesOf(outcome)).toEqual([first === 0 ? 200 : 412, 201]);
      const newSetId = outcome.responses[1].body.id;
      expect(typesOf(outcome).sort()).toEqual(
        [
          ...(first === 0 ? ['shortlist.submitted'] : []),
          'recommendation.discarded',
          'recommendation.generated',
        ].sort(),
      );
      expect(await setsOf(t, set.seekerId)).toEqual(
        expect.arrayContaining([
          { id: set.id, status: 'discarded' },
          { id: newSetId, status: 'awaiting_shortlist' },
        ]),
      );
    });

    it('a blind-first shortlist vs the kill switch: the shortlist taken either way, the model’s items still held back (record 0003)', async () => {
      const { set, etag } = await aSetAwaitingShortlist();
      const outcome = await race(
        t,
        [
          racers.shortlist(counselor, set.id, etag, OWN_PICKS),
          racers.changeSettings(admin, { blindFirst: true, aiEnabled: false }),
        ],
        order,
      );
      const { first } = outcome;

      // Allowed by design (record 0003, "The kill switch stops what is already there"): the
      // counselor's own picks are not the model's output, and what the switch holds back is
      // approving a model item and publishing the set, not the review going on.
      expect(statusesOf(outcome)).toEqual([200, 200]);
      expect(typesOf(outcome)).toEqual(
        first === 0
          ? ['shortlist.submitted', 'settings.changed']
          : ['settings.changed', 'shortlist.submitted'],
      );
      expect(await statusOf(set.id)).toBe('pending_review');
      const { set: after, etag: now } = await readSet(t, counselor, set.id);
      const modelItem = after.items.find((item) => item.source === 'model');
      const approval = await decide(t, counselor, set.id, modelItem?.itemId ?? '', now, {
        decision: 'approve',
      });
      expect(approval.status).toBe(409);
      expect(approval.body.type).toBe(`${PROBLEMS}ai-switched-off`);
    });

    it('raising the second-review rate vs publishing a set: published either way, the draw being the set’s own (record 0003)', async () => {
      const { set, etag } = await aDecidedSet(t, counselor, await aPerson());
      const outcome = await race(
        t,
        [racers.changeSettings(admin, { secondReviewRate: 1 }), racers.publish(counselor, set.id, etag)],
        order,
      );
      const { first } = outcome;

      // Allowed by design: the draw is stored on the set when it is made (record 0003, "Second
      // review"), and a rate changed since changes the draws to come, none already made.
      expect(statusesOf(outcome)).toEqual([200, 200]);
      expect(typesOf(outcome)).toEqual(
        first === 0
          ? ['settings.changed', 'recommendation.published']
          : ['recommendation.published', 'settings.changed'],
      );
      expect(await statusOf(set.id)).toBe('published');
    });

    it('shortening the sets’ lifetime vs publishing a set: published either way, its own lifetime unchanged', async () => {
      const { set, etag } = await aDecidedSet(t, counselor, await aPerson());
      const expiresAt = async () =>
        (await t.container.db('recommendation_sets').where({ id: set.id }).first('expires_at'))?.expires_at;
      const before = await expiresAt();
      const outcome = await race(
        t,
        [racers.changeSettings(admin, { setTtlHours: 1 }), racers.publish(counselor, set.id, etag)],
        order,
      );
      const { first } = outcome;

      // A set's lifetime is set when it is made: a shorter one applies to the sets made after.
      expect(statusesOf(outcome)).toEqual([200, 200]);
      expect(typesOf(outcome)).toEqual(
        first === 0
          ? ['settings.changed', 'recommendation.published']
          : ['recommendation.published', 'settings.changed'],
      );
      expect(await statusOf(set.id)).toBe('published');
      expect(await expiresAt()).toEqual(before);
    });
  });
});

/** A set made by hand (the manual path, record 0003) raced against what makes it allowed or not. */
describe(`a set started by hand fired with a model set or the switch back on (${TEST_ENGINE})`, () => {
  let t: TestApp;
  let counselor: string;
  let admin: string;
  let aPerson: () => Promise<string>;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }));
    admin = await t.tokenFor('admin', 'ops-1');
    aPerson = racePeople(t, 'js-by-hand-race');
  });
  afterAll(() => t.close());
  afterEach(() => putSettings(t, {}));

  describe.each(RACE_ORDERS)('when $name', ({ order }) => {
    it('starting a set by hand vs asking for the model’s suggestions for the person: the model’s set, the set by hand refused while suggestions can be asked for', async () => {
      const seekerId = await aPerson();
      const outcome = await race(
        t,
        [racers.startSetByHand(counselor, seekerId), racers.askForSuggestions(counselor, seekerId)],
        order,
      );

      // Whichever goes first: suggestions can be asked for, so the set by hand is refused (record 0003,
      // "The manual path ends in a set made by hand"), the model's set is the person's one open set.
      expect(statusesOf(outcome)).toEqual([409, 201]);
      expect(outcome.responses[0].body.type).toBe(`${PROBLEMS}conflict`);
      expect(typesOf(outcome)).toEqual(['recommendation.generated']);
      expect(await setsOf(t, seekerId)).toEqual([
        { id: outcome.responses[1].body.id, status: 'pending_review' },
      ]);
    });

    it('starting a set by hand vs asking for the model’s suggestions while they are switched off: the set by hand, the suggestions refused with the manual path', async () => {
      const seekerId = await aPerson();
      await putSettings(t, { aiEnabled: false });
      const outcome = await race(
        t,
        [racers.startSetByHand(counselor, seekerId), racers.askForSuggestions(counselor, seekerId)],
        order,
      );
      const { first } = outcome;

      // Whichever goes first: the kill switch bars the model, so the suggestions are refused and
      // logged as refused, naming the manual path (record 0003), and the set by hand is made. The
      // refusal withdraws nothing: the set by hand is the person's one open set.
      expect(statusesOf(outcome)).toEqual([201, 409]);
      expect(outcome.responses[1].body).toMatchObject({
        type: `${PROBLEMS}ai-unavailable`,
        reason: 'switched_off',
        manualSetPath: `/v1/job-seekers/${seekerId}/manual-recommendations`,
      });
      expect(typesOf(outcome)).toEqual(
        first === 0
          ? ['recommendation.created_manually', 'suggestion.refused']
          : ['suggestion.refused', 'recommendation.created_manually'],
      );
      expect(await setsOf(t, seekerId)).toEqual([
        { id: outcome.responses[0].body.id, status: 'pending_review' },
      ]);
    });

    it('starting a set by hand vs switching suggestions back on: no set by hand once they can be asked for', async () => {
      const seekerId = await aPerson();
      await putSettings(t, { aiEnabled: false });
      const outcome = await race(
        t,
        [racers.startSetByHand(counselor, seekerId), racers.changeSettings(admin, { aiEnabled: true })],
        order,
      );
      const { first } = outcome;

      expect(statusesOf(outcome)).toEqual([first === 0 ? 201 : 409, 200]);
      if (first === 0) {
        // Started while switched off, the set by hand stays open once suggestions are back (record
        // 0003: a set the counselor is making by hand stays open).
        expect(typesOf(outcome)).toEqual(['recommendation.created_manually', 'settings.changed']);
        expect(await setsOf(t, seekerId)).toEqual([
          { id: outcome.responses[0].body.id, status: 'pending_review' },
        ]);
      } else {
        expect(outcome.responses[0].body.type).toBe(`${PROBLEMS}conflict`);
        expect(typesOf(outcome)).toEqual(['settings.changed']);
        expect(await setsOf(t, seekerId)).toEqual([]);
      }
    });
  });
});
