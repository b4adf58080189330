import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createModelsDir,
  type TestModelFolder,
  writeShippedVariant,
} from '../model-registry/support/model-folders.ts';
import { registerAndActivate } from '../support/model-activation.ts';
import { type Racer, race } from '../support/race.ts';
import { problemOf, RACE_ORDERS, statusesOf, typesOf } from '../support/race-setups.ts';
import type { TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';
import {
  act,
  aWorkflowSeeker,
  createAndPublish,
  createSet,
  decide,
  decideAll,
  eraseJobSeeker,
  putSeeker,
  putSettings,
  readSet,
  requestSet,
  type SetBody,
  syncSeeker,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const PROBLEMS = 'https://aiguillage.example/problems/';
const DISCARD = { reason: 'Profil mis à jour depuis' };
const RETRACT = { reason: 'Sélection faite sur un profil erroné' };

/**
 * Two different actions that cannot both hold, fired at once (`race`, test/support/race.ts): each
 * request is held at the log's lock until the other has got there too, having made every check it
 * makes before it, then one takes the lock, and the other's transaction starts once the first's has
 * ended. Each pair runs both ways round. At most the right one goes through, the other is refused
 * with a problem saying why, nothing is left half written, the events appended are the winner's
 * (and the loser's refusal, where refusals are logged), and the log verifies.
 *
 * On PostgreSQL the two requests run on two connections; SQLite has one, so their transactions run
 * one after the other whatever the hold does, and what interleaves is what each does before and
 * after its transaction.
 */
describe(`conflicting actions fired at once (${TEST_ENGINE})`, () => {
  let t: TestApp;
  let counselor: string;
  let admin: string;

  beforeAll(async () => {
    // Some hundred requests a minute from one address, as the races set up their people and sets.
    ({ t, counselor } = await startWorkflowApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }));
    admin = await t.tokenFor('admin', 'dpo-1');
  });
  afterAll(() => t.close());

  let people = 0;
  /** A person of their own for one race, synced onto `c-001`'s caseload. */
  async function aPerson(): Promise<string> {
    people += 1;
    const seekerId = `js-race-${people}`;
    await syncSeeker(t, seekerId);
    return seekerId;
  }

  /** A set of a new person, every item decided (two approved), ready to publish; with its ETag. */
  async function aDecidedSet(seekerId?: string): Promise<{ set: SetBody; etag: string }> {
    const { set } = await createSet(t, counselor, seekerId ?? (await aPerson()));
    return decideAll(t, counselor, set.id, { approve: 2 });
  }

  /** A set handed to a second review (every set is drawn while the test runs). */
  async function aSetInSecondReview(): Promise<SetBody> {
    await putSettings(t, { secondReviewRate: 1 });
    try {
      const { set, etag } = await aDecidedSet();
      const handed = await act(t, counselor, set.id, 'publish', etag);
      expect(handed.body.status).toBe('awaiting_second_review');
      return handed.body as SetBody;
    } finally {
      await putSettings(t, {});
    }
  }

  const statusOf = async (setId: string) =>
    (await t.container.db('recommendation_sets').where({ id: setId }).first('status'))?.status;
  const setsOf = async (seekerId: string): Promise<Array<{ id: string; status: string }>> =>
    t.container.db('recommendation_sets').where({ seeker_id: seekerId }).orderBy('id').select('id', 'status');

  /** The items the person sees (`GET /v1/me/recommendations`). */
  async function portalItemsOf(seekerId: string): Promise<string[]> {
    const token = await t.tokenFor('job_seeker', seekerId);
    const res = await t.http.get('/v1/me/recommendations').auth(token, { type: 'bearer' });
    expect(res.status, res.text).toBe(200);
    return (res.body.items as Array<{ itemId: string }>).map((item) => item.itemId);
  }
  const approvedIds = (set: SetBody) =>
    set.items.filter((item) => item.decision === 'approved').map((item) => item.itemId);

  /** What is left of an erased person: no row anywhere, nothing logged about them after the erasure. */
  async function expectNothingLeftOf(seekerId: string) {
    const { db } = t.container;
    expect(await db('job_seekers').where({ id: seekerId })).toEqual([]);
    expect(await setsOf(seekerId)).toEqual([]);
    expect(await db('feedback').where({ seeker_id: seekerId })).toEqual([]);
    const { decisionLog, pseudonymiser } = t.container.decisionLog;
    const about = await decisionLog.listEvents({
      subject: pseudonymiser.pseudonymise(seekerId),
      limit: 1000,
    });
    expect(about.at(-1)?.type).toBe('subject.erased');
  }

  const publish =
    (setId: string, etag: string): Racer =>
    (r) =>
      act(r, counselor, setId, 'publish', etag);
  const discard =
    (setId: string, etag: string, token = counselor): Racer =>
    (r) =>
      act(r, token, setId, 'discard', etag, DISCARD);
  const retract =
    (setId: string, etag: string): Racer =>
    (r) =>
      act(r, counselor, setId, 'retract', etag, RETRACT);
  const askAgain =
    (seekerId: string): Racer =>
    (r) =>
      requestSet(r, counselor, seekerId);
  const erase =
    (seekerId: string): Racer =>
    (r) =>
      eraseJobSeeker(r, admin, seekerId);
  const giveFeedback =
    (seekerId: string, itemId: string): Racer =>
    async (r) => {
      const token = await r.tokenFor('job_seeker', seekerId);
      return r.http
        .post(`/v1/me/recommendations/${itemId}/feedback`)
        .auth(token, { type: 'bearer' })
        .send({ response: 'interested' });
    };
  const object =
    (seekerId: string): Racer =>
    async (r) => {
      const token = await r.tokenFor('job_seeker', seekerId);
      return r.http.post('/v1/me/objection').auth(token, { type: 'bearer' }).send({});
    };
  const recordOutcome =
    (seekerId: string, courseId: string): Racer =>
    async (r) =>
      r.http
        .put(`/v1/job-seekers/${seekerId}/outcomes/${courseId}`)
        .auth(await r.tokenFor('integration', 'svc-crm'), { type: 'bearer' })
        .send({ entered: true, employedWithinSixMonths: null, observedAt: '2026-10-01' });
  const approveSecondReview =
    (setId: string, token: string, etag: string): Racer =>
    (r) =>
      act(r, token, setId, 'second-review', etag, { decision: 'approve' });

  const switchOff: Racer = (r) =>
    r.http.put('/v1/settings').auth(admin, { type: 'bearer' }).send({
      aiEnabled: false,
      blindFirst: false,
      secondReviewRate: 0,
      setTtlHours: 168,
      fastDecisionSeconds: 10,
    });
  const readExplanation =
    (seekerId: string, itemId: string): Racer =>
    async (r) => {
      const token = await r.tokenFor('job_seeker', seekerId);
      return r.http.get(`/v1/me/recommendations/${itemId}/explanation`).auth(token, { type: 'bearer' });
    };

  describe.each(RACE_ORDERS)('when $name', ({ order }) => {
    it('publish vs discard of the same set (one ETag): one of them, the other 412', async () => {
      const { set, etag } = await aDecidedSet();
      const outcome = await race(t, [publish(set.id, etag), discard(set.id, etag)], order);
      const { first } = outcome;

      const won = first === 0 ? 'published' : 'discarded';
      expect(statusesOf(outcome)).toEqual(first === 0 ? [200, 412] : [412, 200]);
      expect(problemOf(outcome, first === 0 ? 1 : 0)).toBe(`${PROBLEMS}precondition-failed`);
      expect(typesOf(outcome)).toEqual([`recommendation.${won}`]);
      expect(await statusOf(set.id)).toBe(won);
      expect(await portalItemsOf(set.seekerId)).toEqual(first === 0 ? approvedIds(set) : []);
    });

    it('an item’s decision vs discarding its set (one ETag): one of them, the other 412', async () => {
      const { set } = await createSet(t, counselor, await aPerson());
      const { etag } = await readSet(t, counselor, set.id);
      const itemId = set.items[0]?.itemId ?? '';
      const outcome = await race(
        t,
        [(r) => decide(r, counselor, set.id, itemId, etag, { decision: 'approve' }), discard(set.id, etag)],
        order,
      );
      const { first } = outcome;

      expect(statusesOf(outcome)).toEqual(first === 0 ? [200, 412] : [412, 200]);
      expect(typesOf(outcome)).toEqual([first === 0 ? 'item.decided' : 'recommendation.discarded']);
      expect(await statusOf(set.id)).toBe(first === 0 ? 'pending_review' : 'discarded');
      const decision = await t.container.db('recommendation_items').where({ id: itemId }).first('decision');
      expect(decision?.decision).toBe(first === 0 ? 'approved' : 'pending');
    });

    it('publishing a new set vs retracting the person’s older published set: the person sees the new set either way', async () => {
      const seekerId = await aPerson();
      const older = await createAndPublish(t, counselor, seekerId, { approve: 2 });
      const { etag: olderEtag } = await readSet(t, counselor, older.id);
      const { set, etag } = await aDecidedSet(seekerId);
      const outcome = await race(t, [publish(set.id, etag), retract(older.id, olderEtag)], order);
      const { first } = outcome;

      if (first === 0) {
        // Publishing marks the older set replaced (record 0015), a change of it: the retraction's ETag is stale.
        expect(statusesOf(outcome)).toEqual([200, 412]);
        expect(typesOf(outcome)).toEqual(['recommendation.published']);
        expect(await statusOf(older.id)).toBe('published');
      } else {
        expect(statusesOf(outcome)).toEqual([200, 200]);
        expect(typesOf(outcome)).toEqual(['recommendation.retracted', 'recommendation.published']);
        expect(await statusOf(older.id)).toBe('retracted');
      }
      expect(await statusOf(set.id)).toBe('published');
      expect(await portalItemsOf(seekerId)).toEqual(approvedIds(set));
    });

    it('publishing vs asking again for the same person: asking again withdraws the set unless it was published (record 0003)', async () => {
      const { set, etag } = await aDecidedSet();
      const outcome = await race(t, [publish(set.id, etag), askAgain(set.seekerId)], order);
      const { first } = outcome;

      const sets = await setsOf(set.seekerId);
      const newSetId = outcome.responses[1].body.id;
      expect(outcome.responses[1].status).toBe(201);
      if (first === 0) {
        expect(outcome.responses[0].status).toBe(200);
        expect(typesOf(outcome)).toEqual(['recommendation.published', 'recommendation.generated']);
        expect(sets).toEqual(
          expect.arrayContaining([
            { id: set.id, status: 'published' },
            { id: newSetId, status: 'pending_review' },
          ]),
        );
        expect(await portalItemsOf(set.seekerId)).toEqual(approvedIds(set));
      } else {
        expect(outcome.responses[0].status).toBe(412);
        expect(typesOf(outcome).sort()).toEqual(['recommendation.discarded', 'recommendation.generated']);
        expect(sets).toEqual(
          expect.arrayContaining([
            { id: set.id, status: 'discarded' },
            { id: newSetId, status: 'pending_review' },
          ]),
        );
        expect(await portalItemsOf(set.seekerId)).toEqual([]);
      }
      expect(sets).toHaveLength(2);
    });

    it('a second reviewer’s approval vs the counselor discarding the set: one of them, the other told why', async () => {
      const set = await aSetInSecondReview();
      const reviewer = await t.tokenFor('counselor', 'c-002');
      const { etag: reviewerEtag } = await readSet(t, reviewer, set.id);
      const { etag: ownerEtag } = await readSet(t, counselor, set.id);
      const outcome = await race(
        t,
        [approveSecondReview(set.id, reviewer, reviewerEtag), discard(set.id, ownerEtag)],
        order,
      );
      const { first } = outcome;

      if (first === 0) {
        expect(statusesOf(outcome)).toEqual([200, 412]);
        expect(typesOf(outcome)).toEqual(['second_review.completed', 'recommendation.published']);
        expect(await statusOf(set.id)).toBe('published');
        expect(await portalItemsOf(set.seekerId)).toEqual(approvedIds(set));
      } else {
        expect(statusesOf(outcome)).toEqual([409, 200]);
        expect(problemOf(outcome, 0)).toBe(`${PROBLEMS}second-review-over`);
        expect(typesOf(outcome)).toEqual(['recommendation.discarded']);
        expect(await statusOf(set.id)).toBe('discarded');
        expect(await portalItemsOf(set.seekerId)).toEqual([]);
      }
    });

    it('two second reviewers approving at once: one approval, the other told the review is over', async () => {
      const set = await aSetInSecondReview();
      const reviewers = [
        await t.tokenFor('counselor', 'c-002'),
        await t.tokenFor('counselor', 'c-003'),
      ] as const;
      const etags = [
        (await readSet(t, reviewers[0], set.id)).etag,
        (await readSet(t, reviewers[1], set.id)).etag,
      ];
      const outcome = await race(
        t,
        [
          approveSecondReview(set.id, reviewers[0], etags[0] ?? ''),
          approveSecondReview(set.id, reviewers[1], etags[1] ?? ''),
        ],
        order,
      );
      const { first } = outcome;

      const loser = first === 0 ? 1 : 0;
      expect(outcome.responses[first].status).toBe(200);
      expect(outcome.responses[loser].status).toBe(409);
      expect(problemOf(outcome, loser)).toBe(`${PROBLEMS}second-review-over`);
      expect(typesOf(outcome)).toEqual(['second_review.completed', 'recommendation.published']);
      expect(outcome.events[0]?.actor.pseudonym).toBe(
        t.container.decisionLog.pseudonymiser.pseudonymise(first === 0 ? 'c-002' : 'c-003'),
      );
      expect(await statusOf(set.id)).toBe('published');
    });

    it('erasing a person vs asking for their suggestions: nothing of them is left either way', async () => {
      const seekerId = await aPerson();
      const outcome = await race(t, [erase(seekerId), askAgain(seekerId)], order);
      const { first } = outcome;

      expect(outcome.responses[0].status).toBe(204);
      if (first === 0) {
        expect(outcome.responses[1].status).toBe(404);
        expect(typesOf(outcome)).toEqual(['subject.erased']);
      } else {
        expect(outcome.responses[1].status).toBe(201);
        expect(typesOf(outcome)).toEqual(['recommendation.generated', 'subject.erased']);
      }
      await expectNothingLeftOf(seekerId);
    });

    it('erasing a person vs publishing their set: nothing of them is left either way', async () => {
      const { set, etag } = await aDecidedSet();
      const outcome = await race(t, [erase(set.seekerId), publish(set.id, etag)], order);
      const { first } = outcome;

      expect(outcome.responses[0].status).toBe(204);
      expect(outcome.responses[1].status).toBe(first === 0 ? 404 : 200);
      expect(typesOf(outcome)).toEqual(
        first === 0 ? ['subject.erased'] : ['recommendation.published', 'subject.erased'],
      );
      await expectNothingLeftOf(set.seekerId);
    });

    it('erasing a person vs their feedback: nothing of them is left either way', async () => {
      const seekerId = await aPerson();
      const published = await createAndPublish(t, counselor, seekerId, { approve: 2 });
      const itemId = approvedIds(published)[0] ?? '';
      const outcome = await race(t, [erase(seekerId), giveFeedback(seekerId, itemId)], order);
      const { first } = outcome;

      expect(outcome.responses[0].status).toBe(204);
      expect(outcome.responses[1].status).toBe(first === 0 ? 404 : 201);
      expect(typesOf(outcome)).toEqual(
        first === 0 ? ['subject.erased'] : ['feedback.given', 'subject.erased'],
      );
      await expectNothingLeftOf(seekerId);
    });

    it('erasing a person vs their objection: the objection, when it came first, outlives the erasure (record 0006)', async () => {
      const seekerId = await aPerson();
      const outcome = await race(t, [erase(seekerId), object(seekerId)], order);
      const { first } = outcome;

      expect(outcome.responses[0].status).toBe(204);
      expect(outcome.responses[1].status).toBe(first === 0 ? 404 : 200);
      expect(typesOf(outcome)).toEqual(
        first === 0 ? ['subject.erased'] : ['objection.recorded', 'subject.erased'],
      );
      const erased = outcome.events.at(-1);
      expect(erased?.payload.standingObjection === null).toBe(first === 0);
      await expectNothingLeftOf(seekerId);
    });

    it('objecting vs a suggestion request: no set of the model stays open after the objection', async () => {
      const seekerId = await aPerson();
      const outcome = await race(t, [object(seekerId), askAgain(seekerId)], order);
      const { first } = outcome;

      expect(outcome.responses[0].status).toBe(200);
      if (first === 0) {
        expect(outcome.responses[1].status).toBe(409);
        expect(outcome.responses[1].body.reason).toBe('objection');
        expect(typesOf(outcome)).toEqual(['objection.recorded', 'suggestion.refused']);
        expect(await setsOf(seekerId)).toEqual([]);
      } else {
        expect(outcome.responses[1].status).toBe(201);
        expect(typesOf(outcome)).toEqual([
          'recommendation.generated',
          'recommendation.discarded',
          'objection.recorded',
        ]);
        expect(await setsOf(seekerId)).toEqual([{ id: outcome.responses[1].body.id, status: 'discarded' }]);
      }
    });

    it('the kill switch vs a suggestion request: a set stored before it stays for review, none after (AI Act Art. 14(4)(e))', async () => {
      const seekerId = await aPerson();
      try {
        const outcome = await race(t, [switchOff, askAgain(seekerId)], order);
        const { first } = outcome;

        expect(outcome.responses[0].status).toBe(200);
        if (first === 0) {
          expect(outcome.responses[1].status).toBe(409);
          expect(outcome.responses[1].body.reason).toBe('switched_off');
          expect(typesOf(outcome)).toEqual(['settings.changed', 'suggestion.refused']);
          expect(await setsOf(seekerId)).toEqual([]);
        } else {
          expect(outcome.responses[1].status).toBe(201);
          expect(typesOf(outcome)).toEqual(['recommendation.generated', 'settings.changed']);
          expect(await setsOf(seekerId)).toEqual([
            { id: outcome.responses[1].body.id, status: 'pending_review' },
          ]);
        }
      } finally {
        await putSettings(t, {});
      }
    });

    it('the person’s feedback vs the retraction of the set: no feedback is taken on a set taken back', async () => {
      const seekerId = await aPerson();
      const published = await createAndPublish(t, counselor, seekerId, { approve: 2 });
      const { etag } = await readSet(t, counselor, published.id);
      const itemId = approvedIds(published)[0] ?? '';
      const outcome = await race(t, [giveFeedback(seekerId, itemId), retract(published.id, etag)], order);
      const { first } = outcome;

      expect(outcome.responses[1].status).toBe(200);
      expect(outcome.responses[0].status).toBe(first === 0 ? 201 : 404);
      expect(typesOf(outcome)).toEqual(
        first === 0 ? ['feedback.given', 'recommendation.retracted'] : ['recommendation.retracted'],
      );
      expect(await t.container.db('feedback').where({ item_id: itemId })).toHaveLength(first === 0 ? 1 : 0);
      expect(await portalItemsOf(seekerId)).toEqual([]);
    });

    it('objecting vs publishing a set of the model: the objection withdraws the set unless it was published first, which stays (it works from then on, GDPR Art. 21)', async () => {
      const { set, etag } = await aDecidedSet();
      const outcome = await race(t, [object(set.seekerId), publish(set.id, etag)], order);
      const { first } = outcome;

      expect(statusesOf(outcome)).toEqual(first === 0 ? [200, 412] : [200, 200]);
      expect(typesOf(outcome)).toEqual(
        first === 0
          ? ['recommendation.discarded', 'objection.recorded']
          : ['recommendation.published', 'objection.recorded'],
      );
      expect(await statusOf(set.id)).toBe(first === 0 ? 'discarded' : 'published');
      expect(await portalItemsOf(set.seekerId)).toEqual(first === 0 ? [] : approvedIds(set));
    });

    it('the kill switch vs publishing a set of the model: held back once switched off, what was published before stays (record 0003)', async () => {
      const { set, etag } = await aDecidedSet();
      try {
        const outcome = await race(t, [switchOff, publish(set.id, etag)], order);
        const { first } = outcome;

        expect(statusesOf(outcome)).toEqual(first === 0 ? [200, 409] : [200, 200]);
        if (first === 0) expect(problemOf(outcome, 1)).toBe(`${PROBLEMS}ai-switched-off`);
        expect(typesOf(outcome)).toEqual(
          first === 0 ? ['settings.changed'] : ['recommendation.published', 'settings.changed'],
        );
        expect(await statusOf(set.id)).toBe(first === 0 ? 'pending_review' : 'published');
        expect(await portalItemsOf(set.seekerId)).toEqual(first === 0 ? [] : approvedIds(set));
      } finally {
        await putSettings(t, {});
      }
    });

    it('the kill switch vs approving an item of the model: the approval is held back once switched off', async () => {
      const { set } = await createSet(t, counselor, await aPerson());
      const { etag } = await readSet(t, counselor, set.id);
      const itemId = set.items[0]?.itemId ?? '';
      try {
        const outcome = await race(
          t,
          [switchOff, (r) => decide(r, counselor, set.id, itemId, etag, { decision: 'approve' })],
          order,
        );
        const { first } = outcome;

        expect(statusesOf(outcome)).toEqual(first === 0 ? [200, 409] : [200, 200]);
        if (first === 0) expect(problemOf(outcome, 1)).toBe(`${PROBLEMS}ai-switched-off`);
        expect(typesOf(outcome)).toEqual(
          first === 0 ? ['settings.changed'] : ['item.decided', 'settings.changed'],
        );
        const decision = await t.container.db('recommendation_items').where({ id: itemId }).first('decision');
        expect(decision?.decision).toBe(first === 0 ? 'pending' : 'approved');
      } finally {
        await putSettings(t, {});
      }
    });

    it('a second reviewer’s return vs the counselor discarding the set: one of them, the other told why', async () => {
      const set = await aSetInSecondReview();
      const reviewer = await t.tokenFor('counselor', 'c-002');
      const { etag: reviewerEtag } = await readSet(t, reviewer, set.id);
      const { etag: ownerEtag } = await readSet(t, counselor, set.id);
      const outcome = await race(
        t,
        [
          (r) =>
            act(r, reviewer, set.id, 'second-review', reviewerEtag, {
              decision: 'return',
              comment: 'Revoir le deuxième choix',
            }),
          discard(set.id, ownerEtag),
        ],
        order,
      );
      const { first } = outcome;

      // Returned first, the set is its counselor's to review again: the discard's ETag is stale.
      expect(statusesOf(outcome)).toEqual(first === 0 ? [200, 412] : [409, 200]);
      if (first === 1) expect(problemOf(outcome, 0)).toBe(`${PROBLEMS}second-review-over`);
      expect(typesOf(outcome)).toEqual([
        first === 0 ? 'second_review.completed' : 'recommendation.discarded',
      ]);
      expect(await statusOf(set.id)).toBe(first === 0 ? 'pending_review' : 'discarded');
    });

    it('erasing a person vs retracting their set: nothing of them is left either way', async () => {
      const seekerId = await aPerson();
      const published = await createAndPublish(t, counselor, seekerId, { approve: 2 });
      const { etag } = await readSet(t, counselor, published.id);
      const outcome = await race(t, [erase(seekerId), retract(published.id, etag)], order);
      const { first } = outcome;

      expect(statusesOf(outcome)).toEqual([204, first === 0 ? 404 : 200]);
      expect(typesOf(outcome)).toEqual(
        first === 0 ? ['subject.erased'] : ['recommendation.retracted', 'subject.erased'],
      );
      await expectNothingLeftOf(seekerId);
    });

    it('erasing a person vs their reading an explanation: no reading logged after the erasure', async () => {
      const seekerId = await aPerson();
      const published = await createAndPublish(t, counselor, seekerId, { approve: 2 });
      const itemId = approvedIds(published)[0] ?? '';
      const outcome = await race(t, [erase(seekerId), readExplanation(seekerId, itemId)], order);
      const { first } = outcome;

      // A reading is logged only once the answer is ready, found again under the lock.
      expect(statusesOf(outcome)).toEqual([204, first === 0 ? 404 : 200]);
      expect(typesOf(outcome)).toEqual(
        first === 0 ? ['subject.erased'] : ['explanation.opened', 'subject.erased'],
      );
      await expectNothingLeftOf(seekerId);
    });

    it('erasing a person vs their sync from the case-management system: the sync does not bring them back', async () => {
      const seekerId = await aPerson();
      const outcome = await race(t, [erase(seekerId), (r) => putSeeker(r, seekerId)], order);
      const { first } = outcome;

      // After an erasure only a sync saying the person returns (`reEnrol`) writes them again (record 0006).
      expect(statusesOf(outcome)).toEqual([204, first === 0 ? 409 : 200]);
      if (first === 0) expect(problemOf(outcome, 1)).toBe(`${PROBLEMS}subject-erased`);
      expect(typesOf(outcome)).toEqual(
        first === 0 ? ['subject.erased'] : ['job_seeker.upserted', 'subject.erased'],
      );
      await expectNothingLeftOf(seekerId);
    });

    it('reading an explanation vs retracting the set: no reading logged of a set taken back', async () => {
      const seekerId = await aPerson();
      const published = await createAndPublish(t, counselor, seekerId, { approve: 2 });
      const { etag } = await readSet(t, counselor, published.id);
      const itemId = approvedIds(published)[0] ?? '';
      const outcome = await race(t, [readExplanation(seekerId, itemId), retract(published.id, etag)], order);
      const { first } = outcome;

      expect(statusesOf(outcome)).toEqual([first === 0 ? 200 : 404, 200]);
      expect(typesOf(outcome)).toEqual(
        first === 0 ? ['explanation.opened', 'recommendation.retracted'] : ['recommendation.retracted'],
      );
    });

    it('asking for suggestions twice at once for one person (two keys): the later set withdraws the earlier, one left open', async () => {
      const seekerId = await aPerson();
      const outcome = await race(t, [askAgain(seekerId), askAgain(seekerId)], order);
      const { first } = outcome;

      // Both made (each request its own key): the later withdraws the earlier (record 0003).
      expect(statusesOf(outcome)).toEqual([201, 201]);
      expect(typesOf(outcome)).toEqual([
        'recommendation.generated',
        'recommendation.discarded',
        'recommendation.generated',
      ]);
      const later = outcome.responses[first === 0 ? 1 : 0].body.id;
      expect(outcome.events[2]?.payload.setId).toBe(later);
      const sets = await setsOf(seekerId);
      expect(sets.filter((set) => set.status === 'pending_review')).toEqual([
        { id: later, status: 'pending_review' },
      ]);
      expect(sets).toHaveLength(2);
    });

    it('the case-management system’s outcome vs retracting the set that proposed the course: none kept after the retraction', async () => {
      const seekerId = await aPerson();
      const published = await createAndPublish(t, counselor, seekerId, { approve: 2 });
      const { etag } = await readSet(t, counselor, published.id);
      const courseId = published.items.find((item) => item.decision === 'approved')?.course.id ?? '';
      const outcome = await race(t, [recordOutcome(seekerId, courseId), retract(published.id, etag)], order);
      const { first } = outcome;

      // An outcome is kept only about a course of a set still published: the retraction deletes it.
      expect(statusesOf(outcome)).toEqual([first === 0 ? 201 : 409, 200]);
      if (first === 1) expect(problemOf(outcome, 0)).toBe(`${PROBLEMS}no-proposal`);
      expect(typesOf(outcome)).toEqual(
        first === 0 ? ['outcome.recorded', 'recommendation.retracted'] : ['recommendation.retracted'],
      );
      expect(await t.container.db('course_outcomes').where({ seeker_id: seekerId })).toEqual([]);
    });

    it('the case-management system’s outcome vs the person’s objection: none kept after the objection', async () => {
      const seekerId = await aPerson();
      const published = await createAndPublish(t, counselor, seekerId, { approve: 2 });
      const courseId = published.items.find((item) => item.decision === 'approved')?.course.id ?? '';
      const outcome = await race(t, [recordOutcome(seekerId, courseId), object(seekerId)], order);
      const { first } = outcome;

      // The objection deletes the outcomes held (record 0019), and none is kept after it.
      expect(statusesOf(outcome)).toEqual([first === 0 ? 201 : 409, 200]);
      if (first === 1) expect(problemOf(outcome, 0)).toBe(`${PROBLEMS}objection-stands`);
      expect(typesOf(outcome)).toEqual(
        first === 0 ? ['outcome.recorded', 'objection.recorded'] : ['objection.recorded'],
      );
      expect(await t.container.db('course_outcomes').where({ seeker_id: seekerId })).toEqual([]);
    });

    it('the case-management system’s outcome vs erasing the person: nothing of them is left either way', async () => {
      const seekerId = await aPerson();
      const published = await createAndPublish(t, counselor, seekerId, { approve: 2 });
      const courseId = published.items.find((item) => item.decision === 'approved')?.course.id ?? '';
      const outcome = await race(t, [recordOutcome(seekerId, courseId), erase(seekerId)], order);
      const { first } = outcome;

      expect(statusesOf(outcome)).toEqual([first === 0 ? 201 : 404, 204]);
      expect(typesOf(outcome)).toEqual(
        first === 0 ? ['outcome.recorded', 'subject.erased'] : ['subject.erased'],
      );
      await expectNothingLeftOf(seekerId);
      expect(await t.container.db('course_outcomes').where({ seeker_id: seekerId })).toEqual([]);
    });

    it('a reply to a contest vs erasing the person: nothing of them is left either way', async () => {
      const seekerId = await aPerson();
      const published = await createAndPublish(t, counselor, seekerId, { approve: 2 });
      const itemId = approvedIds(published)[0] ?? '';
      const token = await t.tokenFor('job_seeker', seekerId);
      const contested = await t.http
        .post(`/v1/me/recommendations/${itemId}/feedback`)
        .auth(token, { type: 'bearer' })
        .send({ response: 'contest', comment: 'Je ne comprends pas ce choix' });
      expect(contested.status).toBe(201);
      const reply: Racer = (r) =>
        r.http
          .post(`/v1/recommendations/${published.id}/items/${itemId}/contest-reply`)
          .auth(counselor, { type: 'bearer' })
          .send({ message: 'Cette formation correspond à votre projet, parlons-en.' });
      const outcome = await race(t, [reply, erase(seekerId)], order);
      const { first } = outcome;

      expect(statusesOf(outcome)).toEqual([first === 0 ? 201 : 404, 204]);
      expect(typesOf(outcome)).toEqual(
        first === 0 ? ['contest.replied', 'subject.erased'] : ['subject.erased'],
      );
      await expectNothingLeftOf(seekerId);
      expect(await t.container.db('contest_replies').where({ seeker_id: seekerId })).toEqual([]);
    });

    it('withdrawing an objection vs a suggestion request: no refusal logged for an objection withdrawn before it', async () => {
      const seekerId = await aPerson();
      await object(seekerId)(t);
      const withdraw: Racer = async (r) =>
        r.http.delete('/v1/me/objection').auth(await r.tokenFor('job_seeker', seekerId), { type: 'bearer' });
      const outcome = await race(t, [withdraw, askAgain(seekerId)], order);
      const { first } = outcome;

      expect(outcome.responses[0].status).toBe(204);
      if (first === 0) {
        // The request found the objection standing before the lock, withdrawn under it: it goes on.
        expect(outcome.responses[1].status).toBe(201);
        expect(typesOf(outcome)).toEqual(['objection.withdrawn', 'recommendation.generated']);
        expect(await setsOf(seekerId)).toEqual([
          { id: outcome.responses[1].body.id, status: 'pending_review' },
        ]);
      } else {
        expect(outcome.responses[1].status).toBe(409);
        expect(outcome.responses[1].body.reason).toBe('objection');
        expect(typesOf(outcome)).toEqual(['suggestion.refused', 'objection.withdrawn']);
        expect(await setsOf(seekerId)).toEqual([]);
      }
    });

    it('switching suggestions on again vs a suggestion request: no refusal logged for a switch-off undone before it', async () => {
      const seekerId = await aPerson();
      await putSettings(t, { aiEnabled: false });
      const switchOn: Racer = (r) =>
        r.http.put('/v1/settings').auth(admin, { type: 'bearer' }).send({
          aiEnabled: true,
          blindFirst: false,
          secondReviewRate: 0,
          setTtlHours: 168,
          fastDecisionSeconds: 10,
        });
      try {
        const outcome = await race(t, [switchOn, askAgain(seekerId)], order);
        const { first } = outcome;

        expect(outcome.responses[0].status).toBe(200);
        if (first === 0) {
          expect(outcome.responses[1].status).toBe(201);
          expect(typesOf(outcome)).toEqual(['settings.changed', 'recommendation.generated']);
          expect(await setsOf(seekerId)).toEqual([
            { id: outcome.responses[1].body.id, status: 'pending_review' },
          ]);
        } else {
          expect(outcome.responses[1].status).toBe(409);
          expect(outcome.responses[1].body.reason).toBe('switched_off');
          expect(typesOf(outcome)).toEqual(['suggestion.refused', 'settings.changed']);
          expect(await setsOf(seekerId)).toEqual([]);
        }
      } finally {
        await putSettings(t, {});
      }
    });

    it('a second reviewer’s return vs another’s approval: one of them, the other told the review is over', async () => {
      const set = await aSetInSecondReview();
      const reviewers = [
        await t.tokenFor('counselor', 'c-002'),
        await t.tokenFor('counselor', 'c-003'),
      ] as const;
      const returnEtag = (await readSet(t, reviewers[0], set.id)).etag;
      const approveEtag = (await readSet(t, reviewers[1], set.id)).etag;
      const giveBack: Racer = (r) =>
        act(r, reviewers[0], set.id, 'second-review', returnEtag, {
          decision: 'return',
          comment: 'Revoir le deuxième choix',
        });
      const outcome = await race(
        t,
        [giveBack, approveSecondReview(set.id, reviewers[1], approveEtag)],
        order,
      );
      const { first } = outcome;

      const loser = first === 0 ? 1 : 0;
      expect(outcome.responses[first].status).toBe(200);
      expect(outcome.responses[loser].status).toBe(409);
      expect(problemOf(outcome, loser)).toBe(`${PROBLEMS}second-review-over`);
      expect(typesOf(outcome)).toEqual(
        first === 0 ? ['second_review.completed'] : ['second_review.completed', 'recommendation.published'],
      );
      expect(outcome.events[0]?.payload.decision).toBe(first === 0 ? 'return' : 'approve');
      expect(await statusOf(set.id)).toBe(first === 0 ? 'pending_review' : 'published');
      expect(await portalItemsOf(set.seekerId)).toEqual(first === 0 ? [] : approvedIds(set));
    });

    it('erasing a person vs asking again while a set of theirs is open: nothing of them is left, the answer no error', async () => {
      const { set } = await aDecidedSet();
      const outcome = await race(t, [erase(set.seekerId), askAgain(set.seekerId)], order);
      const { first } = outcome;

      expect(statusesOf(outcome)).toEqual([204, first === 0 ? 404 : 201]);
      expect(typesOf(outcome)).toEqual(
        first === 0
          ? ['subject.erased']
          : ['recommendation.discarded', 'recommendation.generated', 'subject.erased'],
      );
      // The warning about the set withdrawn is read from it after the commit: gone with the erasure
      // when that came first, it is left out, never answered as an error.
      for (const warning of outcome.responses[1].body.warnings ?? []) {
        expect(warning).toMatchObject({ code: 'open_set_withdrawn', setId: set.id });
      }
      await expectNothingLeftOf(set.seekerId);
    });

    it('moving the person to another counselor vs publishing their set: withdrawn by the move, or published before it and kept', async () => {
      const { set, etag } = await aDecidedSet();
      const move: Racer = (r) => putSeeker(r, set.seekerId, aWorkflowSeeker({ counselorId: 'c-002' }));
      const outcome = await race(t, [move, publish(set.id, etag)], order);
      const { first } = outcome;

      // A move withdraws the person's open sets and takes them out of the previous counselor's
      // hands; a set published before it stays in front of the person.
      expect(statusesOf(outcome)).toEqual([200, first === 0 ? 409 : 200]);
      if (first === 0) expect(problemOf(outcome, 1)).toBe(`${PROBLEMS}no-longer-on-caseload`);
      expect(typesOf(outcome)).toEqual(
        first === 0
          ? ['recommendation.discarded', 'job_seeker.upserted']
          : ['recommendation.published', 'job_seeker.upserted'],
      );
      expect(await statusOf(set.id)).toBe(first === 0 ? 'discarded' : 'published');
      expect(await portalItemsOf(set.seekerId)).toEqual(first === 0 ? [] : approvedIds(set));
    });
  });
});

/**
 * The registry's actions raced against what the model's output is for. Each race has a model of its
 * own, registered and activated for it (the shipped model's ONNX file under another version), since a
 * recall is for good.
 */
describe(`a model's recall or replacement fired with the actions on its sets (${TEST_ENGINE})`, () => {
  let modelsDir: { dir: string; remove(): Promise<void> };
  let t: TestApp;
  let counselor: string;
  let admin: string;

  beforeAll(async () => {
    modelsDir = await createModelsDir();
    ({ t, counselor } = await startWorkflowApp({
      env: { MODELS_DIR: modelsDir.dir, RATE_LIMIT_PER_MINUTE: '100000' },
    }));
    admin = await t.tokenFor('admin', 'ops-1');
  });
  afterAll(async () => {
    await t.close();
    await modelsDir.remove();
  });

  let models = 0;
  /** A model of its own, registered and activated (the one before it retired). */
  async function anActiveModel(): Promise<TestModelFolder> {
    models += 1;
    const version = `9.${models}.0`;
    const model = await writeShippedVariant(modelsDir.dir, `aiguillage-ebm-${version}`, (manifest) => ({
      ...manifest,
      version,
    }));
    await registerAndActivate(t, admin, model);
    return model;
  }

  async function aPerson(): Promise<string> {
    const seekerId = `js-model-race-${models}-${Math.random().toString(36).slice(2, 8)}`;
    await syncSeeker(t, seekerId);
    return seekerId;
  }

  const recall =
    (modelId: string): Racer =>
    (r) =>
      r.http
        .post(`/v1/models/${modelId}/recall`)
        .auth(admin, { type: 'bearer' })
        .send({ reason: 'Écart de calibration constaté à la revue' });
  const statusOf = async (setId: string) =>
    (await t.container.db('recommendation_sets').where({ id: setId }).first('status'))?.status;

  describe.each(RACE_ORDERS)('when $name', ({ order }) => {
    it('recalling the model vs a suggestion request it is scoring: nothing of the model stays open, the request answered the manual path once the recall came first (record 0017)', async () => {
      const model = await anActiveModel();
      const seekerId = await aPerson();
      const outcome = await race(t, [recall(model.id), (r) => requestSet(r, counselor, seekerId)], order, {
        mayFindNoModel: [1],
      });
      const { first } = outcome;

      expect(statusesOf(outcome)).toEqual([200, first === 0 ? 503 : 201]);
      const sets = await t.container
        .db('recommendation_sets')
        .where({ seeker_id: seekerId })
        .select('id', 'status');
      if (first === 0) {
        expect(typesOf(outcome)).toEqual(['model.recalled', 'suggestion.refused']);
        expect(sets).toEqual([]);
      } else {
        expect(typesOf(outcome)).toEqual([
          'recommendation.generated',
          'recommendation.discarded',
          'model.recalled',
        ]);
        expect(sets).toEqual([{ id: outcome.responses[1].body.id, status: 'discarded' }]);
        expect(outcome.responses[0].body.withdrawnSetIds).toEqual([outcome.responses[1].body.id]);
      }
    });

    it('recalling the model vs publishing a set it made: the person is shown nothing of the model either way', async () => {
      const model = await anActiveModel();
      const seekerId = await aPerson();
      const { set } = await createSet(t, counselor, seekerId);
      const { etag } = await decideAll(t, counselor, set.id, { approve: 2 });
      const outcome = await race(
        t,
        [recall(model.id), (r) => act(r, counselor, set.id, 'publish', etag)],
        order,
      );
      const { first } = outcome;

      // Withdrawn first, the set changed under the publication's ETag; published first, it is retracted.
      expect(statusesOf(outcome)).toEqual([200, first === 0 ? 412 : 200]);
      expect(typesOf(outcome)).toEqual(
        first === 0
          ? ['recommendation.discarded', 'model.recalled']
          : ['recommendation.published', 'recommendation.retracted', 'model.recalled'],
      );
      expect(await statusOf(set.id)).toBe(first === 0 ? 'discarded' : 'retracted');
      const token = await t.tokenFor('job_seeker', seekerId);
      const mine = await t.http.get('/v1/me/recommendations').auth(token, { type: 'bearer' });
      expect(mine.body).toMatchObject({ items: [], retractedAt: first === 0 ? null : expect.any(String) });
    });

    it('recalling the model vs the person’s feedback on a set it made: no feedback taken once it is retracted', async () => {
      const model = await anActiveModel();
      const seekerId = await aPerson();
      const published = await createAndPublish(t, counselor, seekerId, { approve: 2 });
      const itemId = published.items.find((item) => item.decision === 'approved')?.itemId ?? '';
      const outcome = await race(
        t,
        [
          recall(model.id),
          async (r) =>
            r.http
              .post(`/v1/me/recommendations/${itemId}/feedback`)
              .auth(await r.tokenFor('job_seeker', seekerId), { type: 'bearer' })
              .send({ response: 'interested' }),
        ],
        order,
      );
      const { first } = outcome;

      // An answer given before the retraction stays part of the person's file; none is taken after.
      expect(statusesOf(outcome)).toEqual([200, first === 0 ? 404 : 201]);
      expect(typesOf(outcome)).toEqual(
        first === 0
          ? ['recommendation.retracted', 'model.recalled']
          : ['feedback.given', 'recommendation.retracted', 'model.recalled'],
      );
      expect(await statusOf(published.id)).toBe('retracted');
      expect(await t.container.db('feedback').where({ item_id: itemId })).toHaveLength(first === 0 ? 0 : 1);
    });

    it('activating another model vs a suggestion request the active one is scoring: the set is the earlier model’s, left open (record 0017)', async () => {
      const before = await anActiveModel();
      const seekerId = await aPerson();
      models += 1;
      const version = `9.${models}.0`;
      const next = await writeShippedVariant(modelsDir.dir, `aiguillage-ebm-${version}`, (manifest) => ({
        ...manifest,
        version,
      }));
      const registered = await t.http
        .post('/v1/models')
        .auth(admin, { type: 'bearer' })
        .send({ folder: next.folder, sha256: next.sha256 });
      expect(registered.status).toBe(201);
      const outcome = await race(
        t,
        [
          (r) =>
            r.http
              .post(`/v1/models/${next.id}/activate`)
              .auth(admin, { type: 'bearer' })
              // Its model.onnx is the recalled models' file (record 0017): activated on the admin's word.
              .send({ reason: 'Revue de mise en service faite' }),
          (r) => requestSet(r, counselor, seekerId),
        ],
        order,
      );
      const { first } = outcome;

      // The request read the earlier model active when it asked: its set is that model's, also when
      // stored just after the activation, which withdraws none of its sets (record 0017).
      expect(statusesOf(outcome)).toEqual([200, 201]);
      expect(typesOf(outcome)).toEqual(
        first === 0
          ? ['model.activated', 'recommendation.generated']
          : ['recommendation.generated', 'model.activated'],
      );
      expect(outcome.responses[1].body.model.id).toBe(before.id);
      expect(await statusOf(outcome.responses[1].body.id)).toBe('pending_review');
    });

    it('activating a model where none is active vs a suggestion request: no refusal for want of a model logged after one was activated', async () => {
      const active = await anActiveModel();
      const recalled = await recall(active.id)(t);
      expect(recalled.status).toBe(200);
      const seekerId = await aPerson();
      models += 1;
      const version = `9.${models}.0`;
      const next = await writeShippedVariant(modelsDir.dir, `aiguillage-ebm-${version}`, (manifest) => ({
        ...manifest,
        version,
      }));
      const registered = await t.http
        .post('/v1/models')
        .auth(admin, { type: 'bearer' })
        .send({ folder: next.folder, sha256: next.sha256 });
      expect(registered.status).toBe(201);
      const outcome = await race(
        t,
        [
          (r) =>
            r.http
              .post(`/v1/models/${next.id}/activate`)
              .auth(admin, { type: 'bearer' })
              // Its model.onnx is the recalled models' file (record 0017): activated on the admin's word.
              .send({ reason: 'Revue de mise en service faite' }),
          (r) => requestSet(r, counselor, seekerId),
        ],
        order,
        { mayFindNoModel: [1] },
      );
      const { first } = outcome;

      expect(outcome.responses[0].status).toBe(200);
      if (first === 0) {
        // The request found none active before the lock, one active under it: it is asked of that one.
        expect(outcome.responses[1].status).toBe(201);
        expect(outcome.responses[1].body.model.id).toBe(next.id);
        expect(typesOf(outcome)).toEqual(['model.activated', 'recommendation.generated']);
      } else {
        expect(outcome.responses[1].status).toBe(503);
        expect(typesOf(outcome)).toEqual(['suggestion.refused', 'model.activated']);
      }
    });
  });
});
