import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REASON_CODES } from '../../src/recommendations/recommendation.ts';
import { aCourse } from '../support/builders.ts';
import { trackAppended } from '../support/logged-text-refusals.ts';
import { countSensitiveTermWarnings } from '../support/metrics.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  aWorkflowSeeker,
  createSet,
  decide,
  decideAll,
  eraseJobSeeker,
  hiddenModelCourses,
  type ItemBody,
  objectToAi,
  putSettings,
  REACHABLE_COURSE_IDS,
  readSecondReviewDraw,
  readSet,
  requestManualSet,
  type SetBody,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;
const MISSING_SET = '00000000-0000-4000-8000-000000000000';

describe('review API', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  async function openSet(): Promise<{ set: SetBody; etag: string }> {
    const { set } = await createSet(t, counselor, 'js-1');
    return readSet(t, counselor, set.id);
  }

  function firstItem(set: SetBody): ItemBody {
    const item = set.items[0];
    if (item === undefined) throw new Error('the set has no item');
    return item;
  }

  const warningCount = (field: string) => countSensitiveTermWarnings(t, field);

  describe('deciding an item', () => {
    it('approves one item and bumps the ETag, leaving the others pending', async () => {
      const { set, etag } = await openSet();
      const item = firstItem(set);
      const res = await decide(t, counselor, set.id, item.itemId, etag, { decision: 'approve' });
      expect(res.status).toBe(200);
      expect(res.headers.etag).not.toBe(etag);
      const decided = (res.body as SetBody).items;
      expect(decided.find((i) => i.itemId === item.itemId)).toMatchObject({
        decision: 'approved',
        decidedBy: 'c-001',
      });
      expect(decided.filter((i) => i.decision === 'pending')).toHaveLength(set.items.length - 1);
    });

    it('records the seconds since the set was opened with each decision', async () => {
      const { set } = await createSet(t, counselor, 'js-1');
      clock.advance(30_000);
      const opened = await readSet(t, counselor, set.id);
      clock.advance(42_000);
      const res = await decide(t, counselor, set.id, firstItem(set).itemId, opened.etag, {
        decision: 'approve',
      });
      expect(res.body.items[0].decisionSeconds).toBe(42);
    });

    it('logs the decision an item had before each one, so that a changed mind reads as one', async () => {
      const { set, etag } = await openSet();
      const item = firstItem(set);
      const approved = await decide(t, counselor, set.id, item.itemId, etag, { decision: 'approve' });
      expect(approved.status).toBe(200);
      const rejected = await decide(t, counselor, set.id, item.itemId, approved.headers.etag, {
        decision: 'reject',
        reasonCode: 'too_far',
      });
      expect(rejected.status).toBe(200);
      const events = await t.container.decisionLog.decisionLog.listEvents({
        types: ['item.decided'],
        limit: 1000,
      });
      const trail = events
        .filter((event) => event.payload.itemId === item.itemId)
        .map((event) => [event.payload.previousDecision, event.payload.decision]);
      expect(trail).toEqual([
        ['pending', 'approved'],
        ['approved', 'rejected'],
      ]);
    });

    it('refuses a rejection without a reason code with 422', async () => {
      const { set, etag } = await openSet();
      const res = await decide(t, counselor, set.id, firstItem(set).itemId, etag, { decision: 'reject' });
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    });

    it('refuses a reason code that is not on the published list with 422, listing the allowed codes', async () => {
      const { set, etag } = await openSet();
      const res = await decide(t, counselor, set.id, firstItem(set).itemId, etag, {
        decision: 'reject',
        reasonCode: 'does_not_exist',
      });
      expect(res.status).toBe(422);
      const published = REASON_CODES.map((reason) => reason.code);
      expect(res.body).toMatchObject({ reasonCode: 'does_not_exist', allowedReasonCodes: published });
      expect(res.body.detail).toContain(`not "does_not_exist": one of ${published.join(', ')}`);
    });

    it('refuses an approval that carries a reason code with 422, leaving the item pending', async () => {
      const { set, etag } = await openSet();
      const itemId = firstItem(set).itemId;
      const res = await decide(t, counselor, set.id, itemId, etag, {
        decision: 'approve',
        reasonCode: 'too_far',
      });
      expect(res.status).toBe(422);
      expect(res.body.detail).toMatch(/rejection only/);
      const after = await readSet(t, counselor, set.id);
      expect(after.etag).toBe(etag);
      expect(after.set.items.find((i) => i.itemId === itemId)?.decision).toBe('pending');
    });

    it('refuses the reason "other" without a comment with 422, and accepts it with one', async () => {
      const { set, etag } = await openSet();
      const itemId = firstItem(set).itemId;
      const bare = await decide(t, counselor, set.id, itemId, etag, {
        decision: 'reject',
        reasonCode: 'other',
      });
      expect(bare.status).toBe(422);
      const blank = await decide(t, counselor, set.id, itemId, etag, {
        decision: 'reject',
        reasonCode: 'other',
        comment: '   ',
      });
      expect(blank.status).toBe(422);
      const explained = await decide(t, counselor, set.id, itemId, etag, {
        decision: 'reject',
        reasonCode: 'other',
        comment: 'Session complète selon le centre de formation.',
      });
      expect(explained.status).toBe(200);
      expect(explained.body.items[0]).toMatchObject({ decision: 'rejected', reasonCode: 'other' });
      expect(explained.body.warnings).toBeUndefined();
    });

    it('refuses the reason "other" with a comment that shows nothing (a zero-width space) with 422, the item still pending', async () => {
      const { set, etag } = await openSet();
      const itemId = firstItem(set).itemId;
      for (const comment of ['\u200b', ' \u200b\u2060 ', '\u2060\u00ad']) {
        const { result: res, appended } = await trackAppended(t, () =>
          decide(t, counselor, set.id, itemId, etag, { decision: 'reject', reasonCode: 'other', comment }),
        );
        expect(res.status, JSON.stringify(comment)).toBe(422);
        expect(res.body.detail).toMatch(/needs a comment/);
        // Which field to fill, as the return's refusal of a comment says it.
        expect(res.body).toMatchObject({ field: 'comment', reasonCode: 'other' });
        expect(appended).toEqual([]);
      }
      const after = await readSet(t, counselor, set.id);
      expect(after.etag).toBe(etag);
      expect(after.set.items.find((i) => i.itemId === itemId)?.decision).toBe('pending');
    });

    it('refuses the reason "other" with a comment of fewer than three shown characters, as a return is refused', async () => {
      const { set, etag } = await openSet();
      const itemId = firstItem(set).itemId;
      for (const comment of ['x', ' ok ', 'n\u200b/', '\u2800a\u2800b']) {
        const { result: res, appended } = await trackAppended(t, () =>
          decide(t, counselor, set.id, itemId, etag, { decision: 'reject', reasonCode: 'other', comment }),
        );
        expect(res.status, JSON.stringify(comment)).toBe(422);
        expect(res.body.detail).toMatch(/needs a comment .*at least 3 characters other than spaces/);
        expect(res.body).toMatchObject({ field: 'comment', reasonCode: 'other' });
        expect(appended).toEqual([]);
      }
      const shortest = await decide(t, counselor, set.id, itemId, etag, {
        decision: 'reject',
        reasonCode: 'other',
        comment: ' n/a ',
      });
      expect(shortest.status).toBe(200);
      expect(shortest.body.items[0]).toMatchObject({
        decision: 'rejected',
        reasonCode: 'other',
        comment: 'n/a',
      });
    });

    it('records a comment that shows nothing as no comment', async () => {
      const { set, etag } = await openSet();
      const res = await decide(t, counselor, set.id, firstItem(set).itemId, etag, {
        decision: 'reject',
        reasonCode: 'too_far',
        comment: '\u200b\u200b',
      });
      expect(res.status).toBe(200);
      expect(res.body.items[0]).toMatchObject({ decision: 'rejected', reasonCode: 'too_far', comment: null });
    });

    it('warns about a sensitive term in a comment the counselor confirmed, records it, and counts the warning', async () => {
      const before = await warningCount('comment');
      const { set, etag } = await openSet();
      const res = await decide(t, counselor, set.id, firstItem(set).itemId, etag, {
        decision: 'reject',
        reasonCode: 'too_far',
        comment: 'Reconnue RQTH, trajets difficiles.',
        // The person reads it in their data export: refused until confirmed.
        acknowledgeSensitiveTerms: true,
      });
      expect(res.status).toBe(200);
      expect(res.body.warnings).toEqual([
        expect.objectContaining({ code: 'sensitive_term', field: 'comment', terms: ['rqth'] }),
      ]);
      expect(res.body.items[0].decision).toBe('rejected');
      expect(await warningCount('comment')).toBe(before + 1);
    });

    it('answers 404 for an item that is not in the set', async () => {
      const { set, etag } = await openSet();
      const res = await decide(t, counselor, set.id, MISSING_SET, etag, { decision: 'approve' });
      expect(res.status).toBe(404);
    });

    it('has no bulk approval route', async () => {
      const { set, etag } = await openSet();
      for (const path of [
        `/v1/recommendations/${set.id}/approve`,
        `/v1/recommendations/${set.id}/items/decision`,
      ]) {
        const res = await t.http
          .post(path)
          .auth(counselor, { type: 'bearer' })
          .set('If-Match', etag)
          .send({ decision: 'approve' });
        expect([404, 405]).toContain(res.status);
      }
      const document = (await t.http.get('/openapi.json')).body as { paths: Record<string, unknown> };
      const reviewPaths = Object.keys(document.paths).filter((path) =>
        path.startsWith('/v1/recommendations/'),
      );
      expect(reviewPaths.filter((path) => path.includes('decision'))).toEqual([
        '/v1/recommendations/{setId}/items/{itemId}/decision',
      ]);
      expect(reviewPaths.some((path) => /approve|bulk|batch/i.test(path))).toBe(false);
    });
  });

  describe("a counselor's addition", () => {
    it('is approved, marked as the counselor’s, and leaves the model’s items as they were', async () => {
      const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
      const opened = await readSet(t, counselor, set.id);
      const res = await act(t, counselor, set.id, 'items', opened.etag, {
        courseId: 'LYON-SEC',
        reason: 'Projet de reconversion vers le secrétariat médical discuté en entretien.',
      });
      expect(res.status).toBe(201);
      const body = res.body as SetBody;
      const added = body.items.find((item) => item.course.id === 'LYON-SEC');
      expect(added).toMatchObject({
        source: 'counselor',
        decision: 'approved',
        rank: null,
        score: null,
        attributions: [],
      });
      const modelItems = body.items.filter((item) => item.source === 'model');
      expect(modelItems).toEqual(opened.set.items);
    });

    it('refuses a course that is already in the set with 409, naming its item and decision to decide instead', async () => {
      const { set, etag } = await openSet();
      const item = firstItem(set);
      const res = await act(t, counselor, set.id, 'items', etag, {
        courseId: item.course.id,
        reason: 'Déjà proposée par le modèle.',
      });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ itemId: item.itemId, decision: 'pending' });
      expect(res.body.detail).toBe(
        `course ${item.course.id} is already in the set as item ${item.itemId} (pending); decide that item instead (POST /v1/recommendations/${set.id}/items/${item.itemId}/decision)`,
      );
    });

    it('adds a course held beyond the mobility radius, or asking for a higher level, with a warning for each', async () => {
      const { set, etag } = await openSet();
      const far = await act(t, counselor, set.id, 'items', etag, {
        courseId: 'PARIS-AS',
        reason: 'La personne envisage de déménager.',
      });
      expect(far.status).toBe(201);
      expect(far.body.items.at(-1)).toMatchObject({ course: { id: 'PARIS-AS' }, decision: 'approved' });
      expect(far.body.warnings).toEqual([
        {
          code: 'beyond_mobility_radius',
          field: 'courseId',
          message: expect.stringMatching(/beyond their mobility radius of 30 km/),
        },
      ]);

      const higher = await act(t, counselor, set.id, 'items', far.headers.etag, {
        courseId: 'LYON-IDE',
        reason: 'Un projet à plus long terme.',
      });
      expect(higher.status).toBe(201);
      expect(higher.body.warnings).toEqual([
        {
          code: 'prerequisite_above_level',
          field: 'courseId',
          message: "it asks for level 4 to enter, above the person's level 3",
        },
      ]);
    });

    it('logs the warnings an addition was made despite that come from the person’s profile sealed with their key, none in clear', async () => {
      const { set: created } = await createSet(t, counselor, 'js-1', { limit: 1 });
      const { set, etag } = await readSet(t, counselor, created.id);
      const suggested = set.items.map((item) => item.course.id);
      const nearby = REACHABLE_COURSE_IDS.find((courseId) => !suggested.includes(courseId));
      const far = await act(t, counselor, set.id, 'items', etag, {
        courseId: 'PARIS-AS',
        reason: 'La personne envisage de déménager.',
      });
      expect(far.status).toBe(201);
      const near = await act(t, counselor, set.id, 'items', far.headers.etag, {
        courseId: nearby,
        reason: 'Une autre piste proche.',
      });
      expect(near.status, JSON.stringify(near.body)).toBe(201);

      const added = await t.container.decisionLog.decisionLog.listEvents({
        types: ['item.added'],
        limit: 1000,
      });
      const ofThisSet = added.filter((event) => event.payload.setId === set.id);
      expect(ofThisSet.map((event) => [event.payload.courseId, event.payload.warnings])).toEqual([
        ['PARIS-AS', []],
        [nearby, []],
      ]);
      const { subjectKeyring } = t.container.decisionLog;
      const sealed = await Promise.all(
        ofThisSet.map((event) => subjectKeyring.decryptPersonal(String(event.personal))),
      );
      expect(sealed).toEqual([
        {
          status: 'readable',
          value: {
            reason: 'La personne envisage de déménager.',
            profileWarnings: ['beyond_mobility_radius'],
          },
        },
        { status: 'readable', value: { reason: 'Une autre piste proche.', profileWarnings: [] } },
      ]);
    });

    it('logs the same public payload for the same addition whatever the person’s level or home, and nothing of them is left readable once they are erased', async () => {
      // Alike but for their level and their home; they objected, so their sets are made by hand.
      const people = {
        'js-add-level-3': aWorkflowSeeker({ educationLevel: 3 }),
        'js-add-level-4': aWorkflowSeeker({ educationLevel: 4 }),
        'js-add-paris': aWorkflowSeeker({ educationLevel: 4, location: { lat: 48.8566, lon: 2.3522 } }),
      };
      const { decisionLog, pseudonymiser, subjectKeyring } = t.container.decisionLog;
      const publicPayloads: unknown[] = [];
      for (const [seekerId, profile] of Object.entries(people)) {
        await syncSeeker(t, seekerId, profile);
        await objectToAi(t, seekerId);
        const created = await requestManualSet(t, counselor, seekerId);
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        const { etag } = await readSet(t, counselor, created.body.id);
        const res = await act(t, counselor, created.body.id, 'items', etag, {
          courseId: 'LYON-IDE',
          reason: 'Choisie avec la personne en entretien.',
        });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
      }
      const admin = await t.tokenFor('admin', 'ops-1');
      expect((await eraseJobSeeker(t, admin, 'js-add-level-3')).status).toBe(204);

      const added = await decisionLog.listEvents({ types: ['item.added'], limit: 1000 });
      const sealed: Record<string, unknown> = {};
      for (const seekerId of Object.keys(people)) {
        const event = added.find((candidate) => candidate.subject === pseudonymiser.pseudonymise(seekerId));
        const {
          setId: _set,
          itemId: _item,
          decisionSeconds: _seconds,
          secondsSincePreviousAct: _actSeconds,
          ...rest
        } = event?.payload ?? {};
        publicPayloads.push(rest);
        sealed[seekerId] = await subjectKeyring.decryptPersonal(String(event?.personal));
      }
      expect(publicPayloads).toEqual([
        { courseId: 'LYON-IDE', earlierModelSetId: null, warnings: [] },
        { courseId: 'LYON-IDE', earlierModelSetId: null, warnings: [] },
        { courseId: 'LYON-IDE', earlierModelSetId: null, warnings: [] },
      ]);
      expect(sealed).toEqual({
        'js-add-level-3': { status: 'shredded' },
        'js-add-level-4': {
          status: 'readable',
          value: { reason: 'Choisie avec la personne en entretien.', profileWarnings: [] },
        },
        'js-add-paris': {
          status: 'readable',
          value: {
            reason: 'Choisie avec la personne en entretien.',
            profileWarnings: ['beyond_mobility_radius'],
          },
        },
      });
    });

    it("refuses to blame the model for the counselor's own addition: model_output_inappropriate is for the model's items", async () => {
      const { set: created } = await createSet(t, counselor, 'js-1', { limit: 1 });
      const { set, etag } = await readSet(t, counselor, created.id);
      const suggested = set.items.map((item) => item.course.id);
      const added = await act(t, counselor, set.id, 'items', etag, {
        courseId: REACHABLE_COURSE_IDS.find((courseId) => !suggested.includes(courseId)),
        reason: 'Une autre piste proche.',
      });
      expect(added.status).toBe(201);
      const addition = (added.body.items as ItemBody[]).find((item) => item.source === 'counselor');
      const model = (added.body.items as ItemBody[]).find((item) => item.source === 'model');

      const refused = await decide(t, counselor, set.id, String(addition?.itemId), added.headers.etag, {
        decision: 'reject',
        reasonCode: 'model_output_inappropriate',
      });
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ reasonCode: 'model_output_inappropriate' });

      const accepted = await decide(t, counselor, set.id, String(model?.itemId), added.headers.etag, {
        decision: 'reject',
        reasonCode: 'model_output_inappropriate',
      });
      expect(accepted.status).toBe(200);
    });

    it('adds a course whose next session is past with a warning', async () => {
      const admin = await t.tokenFor('admin', 'ops-1');
      const written = await t.http
        .put('/v1/courses/LYON-AS-PAST')
        .auth(admin, { type: 'bearer' })
        .send(aCourse({ title: 'Aide-soignant (session de septembre)', nextSessionStart: '2026-09-14' }));
      expect(written.status).toBe(201);
      const { set, etag } = await openSet();
      const res = await act(t, counselor, set.id, 'items', etag, {
        courseId: 'LYON-AS-PAST',
        reason: 'Une entrée en cours de session est possible.',
      });
      expect(res.status).toBe(201);
      expect(res.body.warnings).toEqual([
        {
          code: 'session_passed',
          field: 'courseId',
          message: 'its next session (2026-09-14) is not after today: too late for the person to join it',
        },
      ]);
      // The course's own warning, which owes nothing to the person, stays in clear for the auditors.
      const added = await t.container.decisionLog.decisionLog.listEvents({
        types: ['item.added'],
        limit: 1000,
      });
      expect(added.find((event) => event.payload.setId === set.id)?.payload.warnings).toEqual([
        'session_passed',
      ]);
    });

    it('refuses an unknown or inactive course with 422', async () => {
      const { set, etag } = await openSet();
      for (const courseId of ['NOPE-1', 'LYON-OLD']) {
        const res = await act(t, counselor, set.id, 'items', etag, {
          courseId,
          reason: 'Une raison valable.',
        });
        expect(res.status).toBe(422);
      }
    });

    it('refuses an addition without a reason with 400', async () => {
      const { set, etag } = await openSet();
      const res = await act(t, counselor, set.id, 'items', etag, { courseId: 'PARIS-AS' });
      expect(res.status).toBe(400);
    });

    it('refuses a reason of spaces, for an addition and a discard, with 400 naming the field', async () => {
      const { set, etag } = await openSet();
      for (const [action, body] of [
        ['items', { courseId: 'PARIS-AS', reason: '     ' }],
        ['items', { courseId: 'PARIS-AS', reason: ' a  b ' }],
        ['discard', { reason: '    ' }],
      ] as const) {
        const res = await act(t, counselor, set.id, action, etag, body);
        expect(res.status, `${action} ${JSON.stringify(body)}`).toBe(400);
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('/body/reason');
      }
      expect((await readSet(t, counselor, set.id)).set).toMatchObject({
        status: 'pending_review',
        version: set.version,
      });
    });
    it('refuses a reason whose characters show nothing (zero-width spaces), for an addition and a discard, with 422 naming the field, changing and logging nothing', async () => {
      const { set, etag } = await openSet();
      for (const [action, body] of [
        ['items', { courseId: 'PARIS-AS', reason: '\u200b\u200b\u200b' }],
        ['items', { courseId: 'PARIS-AS', reason: 'a \u200b\u200d b' }],
        ['discard', { reason: '\u2060\u2060\u2060\u2060' }],
      ] as const) {
        const { result: res, appended } = await trackAppended(t, () =>
          act(t, counselor, set.id, action, etag, body),
        );
        expect(res.status, `${action} ${JSON.stringify(body)}`).toBe(422);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({ field: 'reason' });
        expect(appended).toEqual([]);
      }
      expect((await readSet(t, counselor, set.id)).set).toMatchObject({
        status: 'pending_review',
        version: set.version,
      });
    });
  });

  describe('ordering', () => {
    it('sets the order of the approved items and refuses an incomplete list with 422', async () => {
      const { set } = await createSet(t, counselor, 'js-1', { limit: 3 });
      const { set: decided, etag } = await decideAll(t, counselor, set.id, { approve: 2 });
      const approved = decided.items
        .filter((item) => item.decision === 'approved')
        .map((item) => item.itemId);
      expect(approved).toHaveLength(2);
      const incomplete = await t.http
        .put(`/v1/recommendations/${set.id}/order`)
        .auth(counselor, { type: 'bearer' })
        .set('If-Match', etag)
        .send({ itemIds: [approved[0]] });
      expect(incomplete.status).toBe(422);
      const reversed = [...approved].reverse();
      const res = await t.http
        .put(`/v1/recommendations/${set.id}/order`)
        .auth(counselor, { type: 'bearer' })
        .set('If-Match', etag)
        .send({ itemIds: reversed });
      expect(res.status).toBe(200);
      const orders = Object.fromEntries(
        (res.body as SetBody).items.map((item) => [item.itemId, item.displayOrder]),
      );
      expect(reversed.map((id) => orders[id])).toEqual([1, 2]);
    });

    it('refuses an order that also lists an item not approved with 422, changing nothing', async () => {
      const { set } = await createSet(t, counselor, 'js-1', { limit: 3 });
      const { set: decided, etag } = await decideAll(t, counselor, set.id, { approve: 2 });
      const approved = decided.items
        .filter((item) => item.decision === 'approved')
        .map((item) => item.itemId);
      const rejected = decided.items.find((item) => item.decision === 'rejected');
      if (rejected === undefined) throw new Error('needs a rejected item');
      const res = await t.http
        .put(`/v1/recommendations/${set.id}/order`)
        .auth(counselor, { type: 'bearer' })
        .set('If-Match', etag)
        .send({ itemIds: [...approved, rejected.itemId] });
      expect(res.status).toBe(422);
      expect(res.body.approvedItemIds).toEqual(approved);
      const after = await readSet(t, counselor, set.id);
      expect(after.etag).toBe(etag);
      expect(after.set.items.find((item) => item.itemId === rejected.itemId)?.displayOrder).toBeNull();
    });
  });

  describe('publishing', () => {
    it('refuses to publish while an item is pending with 409, naming the pending items', async () => {
      const { set, etag } = await openSet();
      const item = firstItem(set);
      const decided = await decide(t, counselor, set.id, item.itemId, etag, { decision: 'approve' });
      const res = await act(t, counselor, set.id, 'publish', decided.headers.etag);
      expect(res.status).toBe(409);
      expect(res.body.pendingItemIds).toHaveLength(set.items.length - 1);
      expect(res.body.pendingItemIds).not.toContain(item.itemId);
    });

    it('refuses to publish while a single item is still pending, the last one', async () => {
      const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
      const { set: opened, etag } = await readSet(t, counselor, set.id);
      const [first, last] = opened.items;
      if (first === undefined || last === undefined) throw new Error('needs two items');
      const decided = await decide(t, counselor, set.id, first.itemId, etag, { decision: 'approve' });
      const res = await act(t, counselor, set.id, 'publish', decided.headers.etag);
      expect(res.status).toBe(409);
      expect(res.body.pendingItemIds).toEqual([last.itemId]);
      expect((await readSet(t, counselor, set.id)).set.status).toBe('pending_review');
    });

    it('refuses to publish when nothing is approved with 409', async () => {
      const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
      const { etag } = await decideAll(t, counselor, set.id, { approve: 0 });
      expect((await act(t, counselor, set.id, 'publish', etag)).status).toBe(409);
    });

    it('needs If-Match: 428 without it, 412 with a stale one', async () => {
      const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
      const stale = (await readSet(t, counselor, set.id)).etag;
      const { etag } = await decideAll(t, counselor, set.id);
      const missing = await act(t, counselor, set.id, 'publish', undefined);
      expect(missing.status).toBe(428);
      expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
      const outdated = await act(t, counselor, set.id, 'publish', stale);
      expect(outdated.status).toBe(412);
      expect(outdated.body.currentEtag).toBe(etag);
      expect((await readSet(t, counselor, set.id)).set.status).toBe('pending_review');
      expect((await act(t, counselor, set.id, 'publish', etag)).status).toBe(200);
    });

    it('refuses an If-Match naming a version the set never had with 412 saying so, not that it changed', async () => {
      const { set, etag } = await openSet();
      const never = await decide(t, counselor, set.id, firstItem(set).itemId, '"99999"', {
        decision: 'approve',
      });
      expect(never.status).toBe(412);
      expect(never.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(never.body.detail).toBe(
        `If-Match names a version this set never had ("99999"); send the ETag its read gave (If-Match: ${etag})`,
      );
      expect(never.body.currentEtag).toBe(etag);
      expect(firstItem((await readSet(t, counselor, set.id)).set).decision).toBe('pending');
    });

    it('refuses a weak ETag of a version the set had with 412 saying a strong one is needed, not that the set never had it', async () => {
      const { set, etag: earlier } = await openSet();
      const decided = await decide(t, counselor, set.id, firstItem(set).itemId, earlier, {
        decision: 'approve',
      });
      expect(decided.status, JSON.stringify(decided.body)).toBe(200);
      const current = String(decided.headers.etag);

      for (const weak of [`W/${earlier}`, `W/${current}`]) {
        const refused = await act(t, counselor, set.id, 'discard', weak, {
          reason: 'Plus utile pour la personne',
        });
        expect(refused.status).toBe(412);
        expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(refused.body.detail).toBe("a weak ETag does not name one version; send the set's strong ETag");
        expect(refused.body.currentEtag).toBe(current);
      }
      expect((await readSet(t, counselor, set.id)).set.status).toBe('pending_review');
    });

    it('answers 428 for a missing If-Match before looking at the state of the set', async () => {
      const { set } = await openSet();
      expect((await act(t, counselor, set.id, 'publish', undefined)).status).toBe(428);
      expect(
        (await decide(t, counselor, set.id, firstItem(set).itemId, undefined, { decision: 'approve' }))
          .status,
      ).toBe(428);
      expect((await act(t, counselor, set.id, 'discard', undefined, { reason: 'Plus utile.' })).status).toBe(
        428,
      );
    });

    it('lets exactly one of two tabs publish with the same ETag; the other gets 412', async () => {
      const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
      const { etag } = await decideAll(t, counselor, set.id);
      const [a, b] = await Promise.all([
        act(t, counselor, set.id, 'publish', etag, { message: 'Onglet A' }),
        act(t, counselor, set.id, 'publish', etag, { message: 'Onglet B' }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 412]);
      const events = await t.container.decisionLog.decisionLog.listEvents({
        types: ['recommendation.published'],
        limit: 1000,
      });
      expect(events.filter((event) => event.payload.setId === set.id)).toHaveLength(1);
    });

    it('lets exactly one of two tabs decide with the same ETag; the other gets 412', async () => {
      const { set, etag } = await openSet();
      const [first, second] = set.items;
      if (first === undefined || second === undefined) throw new Error('needs two items');
      const [a, b] = await Promise.all([
        decide(t, counselor, set.id, first.itemId, etag, { decision: 'approve' }),
        decide(t, counselor, set.id, second.itemId, etag, { decision: 'reject', reasonCode: 'too_far' }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 412]);
      const after = (await readSet(t, counselor, set.id)).set;
      expect(after.items.filter((item) => item.decision !== 'pending')).toHaveLength(1);
    });

    it('keeps a published set immutable', async () => {
      const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
      const { etag } = await decideAll(t, counselor, set.id);
      const published = await act(t, counselor, set.id, 'publish', etag);
      expect(published.status).toBe(200);
      expect(published.body.status).toBe('published');
      const current = published.headers.etag;
      const item = firstItem(published.body as SetBody);
      expect(
        (
          await decide(t, counselor, set.id, item.itemId, current, {
            decision: 'reject',
            reasonCode: 'too_far',
          })
        ).status,
      ).toBe(409);
      expect((await act(t, counselor, set.id, 'publish', current)).status).toBe(409);
      expect((await act(t, counselor, set.id, 'discard', current, { reason: 'Trop tard.' })).status).toBe(
        409,
      );
      expect(
        (await act(t, counselor, set.id, 'items', current, { courseId: 'PARIS-AS', reason: 'Ajout tardif.' }))
          .status,
      ).toBe(409);
    });

    it('refuses a message to the job seeker that seems to mention sensitive information until the counselor confirms it, then warns and counts it', async () => {
      const before = await warningCount('message');
      const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
      const { etag } = await decideAll(t, counselor, set.id);
      const message = 'Vu votre grossesse, la formation à distance est à privilégier.';

      const refused = await act(t, counselor, set.id, 'publish', etag, { message });
      expect(refused.status).toBe(422);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body.detail).toMatch(/acknowledgeSensitiveTerms/);
      expect(refused.body.warnings).toEqual([
        expect.objectContaining({ code: 'sensitive_term', field: 'message', terms: ['grossesse'] }),
      ]);
      const unchanged = await readSet(t, counselor, set.id);
      expect(unchanged.etag).toBe(etag);
      expect(unchanged.set).toMatchObject({ status: 'pending_review', message: null });
      expect(await warningCount('message')).toBe(before);

      const res = await act(t, counselor, set.id, 'publish', etag, {
        message,
        acknowledgeSensitiveTerms: true,
      });
      expect(res.status).toBe(200);
      expect(res.body.message).toBe(message);
      expect(res.body.warnings).toEqual([
        expect.objectContaining({ field: 'message', terms: ['grossesse'] }),
      ]);
      expect(await warningCount('message')).toBe(before + 1);
    });

    it('refuses a message whose sensitive word is split by an invisible character until confirmed, as the plain word', async () => {
      // Soft hyphen, zero-width space: the person's portal shows "grossesse".
      for (const message of [
        'Vu votre gros\u00ADsesse, la formation à distance est à privilégier.',
        'Vu votre gros\u200Bsesse, la formation à distance est à privilégier.',
      ]) {
        const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
        const { etag } = await decideAll(t, counselor, set.id);
        const refused = await act(t, counselor, set.id, 'publish', etag, { message });
        expect(refused.status).toBe(422);
        expect(refused.body.warnings).toEqual([
          expect.objectContaining({ field: 'message', terms: ['grossesse'] }),
        ]);
      }
    });

    it('logs a message published despite sensitive-term warnings as acknowledged, the warned categories sealed with it', async () => {
      const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
      const { etag } = await decideAll(t, counselor, set.id);
      const message = 'Vu votre grossesse, la formation à distance est à privilégier.';
      const res = await act(t, counselor, set.id, 'publish', etag, {
        message,
        acknowledgeSensitiveTerms: true,
      });
      expect(res.status).toBe(200);

      const { decisionLog, subjectKeyring } = t.container.decisionLog;
      const published = (
        await decisionLog.listEvents({ types: ['recommendation.published'], limit: 1000 })
      ).find((event) => event.payload.setId === set.id);
      expect(published?.payload.sensitiveTermsAcknowledged).toBe(true);
      expect(JSON.stringify(published?.payload)).not.toMatch(/health|grossesse/);
      expect(await subjectKeyring.decryptPersonal(String(published?.personal))).toEqual({
        status: 'readable',
        value: { message, sensitiveTermCategories: ['health'] },
      });
    });
  });

  describe('discarding', () => {
    it('discards an open set with a reason; it can no longer be published', async () => {
      const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
      const { etag } = await decideAll(t, counselor, set.id);
      const res = await act(t, counselor, set.id, 'discard', etag, {
        reason: 'La personne a trouvé un emploi.',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'discarded',
        discardReason: 'La personne a trouvé un emploi.',
      });
      expect((await act(t, counselor, set.id, 'publish', res.headers.etag)).status).toBe(409);
      const events = await t.container.decisionLog.decisionLog.listEvents({
        types: ['recommendation.discarded'],
        limit: 1000,
      });
      const event = events.find((candidate) => candidate.payload.setId === set.id);
      expect(event?.payload).toEqual({ setId: set.id, pendingItems: 0 });
      expect(event?.personal).toMatch(/^p1\./);
    });
  });

  describe('ownership', () => {
    it("answers counselor B exactly as for a missing set, for a read and for every action on A's set", async () => {
      const { set, etag } = await openSet();
      const itemId = firstItem(set).itemId;
      const attempts: Array<(id: string) => Promise<{ status: number; body: { detail: string } }>> = [
        (id) => t.http.get(`/v1/recommendations/${id}`).auth(otherCounselor, { type: 'bearer' }),
        (id) => decide(t, otherCounselor, id, itemId, etag, { decision: 'approve' }),
        (id) => act(t, otherCounselor, id, 'items', etag, { courseId: 'PARIS-AS', reason: 'Une raison.' }),
        (id) => act(t, otherCounselor, id, 'items', etag, { courseId: 'NOPE-404', reason: 'Une raison.' }),
        (id) =>
          t.http
            .put(`/v1/recommendations/${id}/order`)
            .auth(otherCounselor, { type: 'bearer' })
            .set('If-Match', etag)
            .send({ itemIds: [itemId] }),
        (id) => act(t, otherCounselor, id, 'shortlist', etag, { courseIds: [] }),
        (id) => act(t, otherCounselor, id, 'publish', etag),
        (id) => act(t, otherCounselor, id, 'second-review', etag, { decision: 'approve' }),
        (id) => act(t, otherCounselor, id, 'discard', etag, { reason: 'Pas à moi.' }),
      ];
      for (const attempt of attempts) {
        const theirs = await attempt(set.id);
        const missing = await attempt(MISSING_SET);
        expect(theirs.status).toBe(404);
        expect(missing.status).toBe(404);
        expect(theirs.body.detail.replace(set.id, 'ID')).toBe(missing.body.detail.replace(MISSING_SET, 'ID'));
      }
      const after = await readSet(t, counselor, set.id);
      expect(after.etag).toBe(etag);
      expect(after.set.items.every((item) => item.decision === 'pending')).toBe(true);
    });

    it("hides A's sets from B's queue", async () => {
      await openSet();
      const queue = await t.http.get('/v1/recommendations').auth(otherCounselor, { type: 'bearer' });
      expect(queue.status).toBe(200);
      expect(queue.body.items).toEqual([]);
    });
  });

  describe('expiry', () => {
    it('marks a set past its lifetime expired, refuses to publish it with 409 and logs the expiry', async () => {
      await putSettings(t, { setTtlHours: 2 });
      try {
        const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
        const { etag } = await decideAll(t, counselor, set.id);
        clock.advance(2 * HOUR + 1000);

        const res = await act(t, counselor, set.id, 'publish', etag);
        expect(res.status).toBe(409);
        expect(res.body.setStatus).toBe('expired');
        expect(res.body.detail).toBe(
          'cannot publish: the set has expired; ask for new suggestions (POST /v1/job-seekers/js-1/recommendations), or, while no model can be used, start a set by hand (POST /v1/job-seekers/js-1/manual-recommendations)',
        );

        const read = await readSet(t, counselor, set.id);
        expect(read.set.status).toBe('expired');
        expect((await act(t, counselor, set.id, 'publish', read.etag)).status).toBe(409);

        const queue = await t.http
          .get('/v1/recommendations')
          .query({ status: 'expired' })
          .auth(counselor, { type: 'bearer' });
        expect(queue.body.items.map((s: { id: string }) => s.id)).toContain(set.id);

        const events = await t.container.decisionLog.decisionLog.listEvents({
          types: ['recommendation.expired'],
          limit: 1000,
        });
        const mine = events.filter((event) => event.payload.setId === set.id);
        expect(mine).toHaveLength(1);
        expect(mine[0]?.actor.role).toBe('system');
      } finally {
        await putSettings(t, {});
      }
    });

    it('keeps the lifetime an open set was given when an admin shortens setTtlHours, the new one going to sets made after', async () => {
      const { set: before } = await createSet(t, counselor, 'js-1', { limit: 1 });
      await putSettings(t, { setTtlHours: 1 });
      try {
        clock.advance(HOUR + 1000);
        const read = await readSet(t, counselor, before.id);
        expect(read.set.status).toBe('pending_review');
        expect(read.set.expiresAt).toBe(before.expiresAt);
        const { set: after } = await createSet(t, counselor, 'js-1', { limit: 1 });
        expect(Date.parse(after.expiresAt) - Date.parse(after.createdAt)).toBe(HOUR);
      } finally {
        await putSettings(t, {});
      }
    });

    it('shows a set that expired unread as expired in the queue', async () => {
      await putSettings(t, { setTtlHours: 1 });
      try {
        const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
        clock.advance(HOUR + 1000);
        const queue = await t.http
          .get('/v1/recommendations')
          .query({ seekerId: 'js-1', limit: 200 })
          .auth(counselor, { type: 'bearer' });
        expect(queue.body.items.find((s: { id: string }) => s.id === set.id)?.status).toBe('expired');
      } finally {
        await putSettings(t, {});
      }
    });
  });

  describe('blind-first mode', () => {
    it("hides the model's items until the counselor's own shortlist is in, then records the overlap", async () => {
      await putSettings(t, { blindFirst: true });
      try {
        const { set: created } = await createSet(t, counselor, 'js-1', { limit: 3 });
        expect(created).toMatchObject({ status: 'awaiting_shortlist', itemsHidden: true, items: [] });
        const { set, etag } = await readSet(t, counselor, created.id);
        expect(set).toMatchObject({ status: 'awaiting_shortlist', itemsHidden: true, items: [] });

        const tooEarly = await act(t, counselor, set.id, 'publish', etag);
        expect(tooEarly.status).toBe(409);
        const deciding = await decide(t, counselor, set.id, set.id, etag, { decision: 'approve' });
        expect(deciding.status).toBe(409);
        expect(deciding.body).toMatchObject({
          type: expect.stringMatching(/problems\/set-status$/),
          setStatus: 'awaiting_shortlist',
        });
        expect(deciding.body.detail).toContain(
          `submit it first (POST /v1/recommendations/${set.id}/shortlist; an empty one if you have none)`,
        );

        const modelCourses = await hiddenModelCourses(t, set.id);
        // Two of the model's courses and one of the counselor's own: the overlap counts the two.
        const shortlist = [modelCourses[0] ?? 'none', modelCourses[1] ?? 'none', 'PARIS-AS'];
        const res = await act(t, counselor, set.id, 'shortlist', etag, { courseIds: shortlist });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          status: 'pending_review',
          itemsHidden: false,
          shortlist: { courseIds: shortlist, overlap: 2 },
        });
        // The model's three, and the counselor's own pick the model did not suggest.
        expect(res.body.items).toHaveLength(4);

        const events = await t.container.decisionLog.decisionLog.listEvents({
          types: ['shortlist.submitted'],
          limit: 1000,
        });
        expect(events.find((event) => event.payload.setId === set.id)?.payload).toMatchObject({
          overlap: 2,
          shortlistSize: 3,
          modelItemCount: 3,
        });
      } finally {
        await putSettings(t, {});
      }
    });

    it("takes the shortlisted courses the model did not suggest into the set as the counselor's items, still to decide, logged with the shortlist", async () => {
      await putSettings(t, { blindFirst: true });
      try {
        await syncSeeker(t, 'js-blind-picks');
        const { set: created } = await createSet(t, counselor, 'js-blind-picks', { limit: 2 });
        const { set, etag } = await readSet(t, counselor, created.id);
        const modelCourses = await hiddenModelCourses(t, set.id);
        // One the model suggested too, one near the person it left out (past its top 2), one in Paris.
        const modelCourse = modelCourses[0];
        const leftOut = REACHABLE_COURSE_IDS.find((id) => !modelCourses.includes(id));
        if (modelCourse === undefined || leftOut === undefined)
          throw new Error('a reachable course left out');

        const res = await act(t, counselor, set.id, 'shortlist', etag, {
          courseIds: [modelCourse, leftOut, 'PARIS-AS'],
        });

        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body.shortlist).toMatchObject({ overlap: 1 });
        const picks = (res.body.items as ItemBody[]).filter((item) => item.source === 'counselor');
        expect(picks.map((item) => item.course.id)).toEqual([leftOut, 'PARIS-AS']);
        for (const pick of picks) {
          expect(pick).toMatchObject({ decision: 'pending', rank: null, score: null, attributions: [] });
          expect(pick.explanation).toContain(
            'dans sa propre sélection, avant de voir les propositions de l’IA',
          );
        }
        const paris = picks[1];
        if (paris === undefined) throw new Error('the Paris course is an item');
        // The hard filters speak as for an addition, naming the pick's item.
        expect(res.body.warnings).toEqual([
          {
            code: 'beyond_mobility_radius',
            field: 'courseIds',
            itemId: paris.itemId,
            message: expect.stringContaining(`course PARIS-AS "Aide-soignant" (item ${paris.itemId}): `),
          },
        ]);
        // Still to decide like any item: the set cannot be published before.
        const early = await act(t, counselor, set.id, 'publish', String(res.headers.etag));
        expect(early.status).toBe(409);
        const rejected = await decide(t, counselor, set.id, paris.itemId, String(res.headers.etag), {
          decision: 'reject',
          reasonCode: 'too_far',
        });
        expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);

        const { decisionLog, subjectKeyring } = t.container.decisionLog;
        const event = (await decisionLog.listEvents({ types: ['shortlist.submitted'], limit: 1000 })).find(
          (logged) => logged.payload.setId === set.id,
        );
        const [first, second] = picks;
        expect(event?.payload.addedItems).toEqual([
          { itemId: first?.itemId, courseId: leftOut, earlierModelSetId: null, warnings: [] },
          { itemId: paris.itemId, courseId: 'PARIS-AS', earlierModelSetId: null, warnings: [] },
        ]);
        expect(second).toBe(paris);
        // What the person's home gave is sealed, as for an addition.
        expect(await subjectKeyring.decryptPersonal(String(event?.personal))).toEqual({
          status: 'readable',
          value: { profileWarnings: { [paris.itemId]: ['beyond_mobility_radius'] } },
        });
        const added = await decisionLog.listEvents({ types: ['item.added'], limit: 1000 });
        expect(added.filter((logged) => logged.payload.setId === set.id)).toEqual([]);
      } finally {
        await putSettings(t, {});
      }
    });

    it("keeps the model's items hidden from the counselor for good once a set awaiting its shortlist is discarded or expires", async () => {
      await putSettings(t, { blindFirst: true, setTtlHours: 1 });
      try {
        const { set: toDiscard, etag } = await openSet();
        const discarded = await act(t, counselor, toDiscard.id, 'discard', etag, {
          reason: 'Je reprendrai demain.',
        });
        expect(discarded.status).toBe(200);
        expect(discarded.body).toMatchObject({ status: 'discarded', itemsHidden: true, items: [] });
        expect((await readSet(t, counselor, toDiscard.id)).set).toMatchObject({
          itemsHidden: true,
          items: [],
        });

        const { set: toExpire } = await openSet();
        clock.advance(2 * HOUR);
        const expired = await readSet(t, counselor, toExpire.id);
        expect(expired.set).toMatchObject({ status: 'expired', itemsHidden: true, items: [] });
      } finally {
        await putSettings(t, {});
      }
    });

    it("shows the model's items of a blind-first set once its shortlist is in, after the set closed too", async () => {
      await putSettings(t, { blindFirst: true });
      try {
        const { set, etag } = await openSet();
        const shortlisted = await act(t, counselor, set.id, 'shortlist', etag, { courseIds: [] });
        expect(shortlisted.status).toBe(200);
        const discarded = await act(t, counselor, set.id, 'discard', String(shortlisted.headers.etag), {
          reason: 'Je reprendrai demain.',
        });
        expect(discarded.body).toMatchObject({ status: 'discarded', itemsHidden: false });
        expect(discarded.body.items.length).toBeGreaterThan(0);
      } finally {
        await putSettings(t, {});
      }
    });

    it('refuses a shortlist naming a course the catalog does not hold or no longer offers with 422, naming them and where to find active courses', async () => {
      await putSettings(t, { blindFirst: true });
      try {
        const { set, etag } = await openSet();
        const res = await act(t, counselor, set.id, 'shortlist', etag, {
          courseIds: ['PARIS-AS', 'NO-SUCH-COURSE', 'LYON-OLD'],
        });
        expect(res.status).toBe(422);
        expect(res.body.courseIds).toEqual(['NO-SUCH-COURSE', 'LYON-OLD']);
        expect(res.body.detail).toContain('NO-SUCH-COURSE, LYON-OLD are none');
        expect(res.body.detail).toContain('GET /v1/courses?active=true');
        const after = await readSet(t, counselor, set.id);
        expect(after.etag).toBe(etag);
        expect(after.set).toMatchObject({ status: 'awaiting_shortlist', shortlist: null });
      } finally {
        await putSettings(t, {});
      }
    });

    it('accepts an empty shortlist', async () => {
      await putSettings(t, { blindFirst: true });
      try {
        const { set, etag } = await openSet();
        const res = await act(t, counselor, set.id, 'shortlist', etag, { courseIds: [] });
        expect(res.status).toBe(200);
        expect(res.body.shortlist).toMatchObject({ courseIds: [], overlap: 0 });
      } finally {
        await putSettings(t, {});
      }
    });
  });

  describe('second review', () => {
    it('lists the sets awaiting a second review to every other counselor (queue=second_review), never to their first reviewer', async () => {
      await syncSeeker(t, 'js-second-queue');
      await putSettings(t, { secondReviewRate: 1 });
      try {
        const { set } = await createSet(t, counselor, 'js-second-queue', { limit: 1 });
        const { etag } = await decideAll(t, counselor, set.id);
        expect((await act(t, counselor, set.id, 'publish', etag)).status).toBe(200);
        const queueOf = async (token: string, query: string) =>
          (await t.http.get(`/v1/recommendations?${query}`).auth(token, { type: 'bearer' })).body.items.map(
            (summary: { id: string }) => summary.id,
          );
        expect(await queueOf(otherCounselor, 'queue=second_review')).toContain(set.id);
        expect(await queueOf(otherCounselor, 'queue=caseload')).not.toContain(set.id);
        expect(await queueOf(counselor, 'queue=second_review')).not.toContain(set.id);
        expect(await queueOf(counselor, 'status=awaiting_second_review')).toContain(set.id);
        const peer = await readSet(t, otherCounselor, set.id);
        await act(t, otherCounselor, set.id, 'second-review', peer.etag, { decision: 'approve' });
        expect(await queueOf(otherCounselor, 'queue=second_review')).not.toContain(set.id);
      } finally {
        await putSettings(t, {});
      }
    });

    it('samples every set at rate 1; the first reviewer cannot approve it, another counselor publishes it', async () => {
      await putSettings(t, { secondReviewRate: 1 });
      try {
        const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
        expect(await readSecondReviewDraw(t, set.id)).toBe(true);
        expect(set.secondReview).toEqual({
          required: null,
          firstReviewerId: null,
          reviewerId: null,
          openedAt: null,
          reads: [],
          returned: null,
          approved: null,
        });
        const { etag } = await decideAll(t, counselor, set.id);
        const handed = await act(t, counselor, set.id, 'publish', etag);
        expect(handed.status).toBe(200);
        expect(handed.body).toMatchObject({
          status: 'awaiting_second_review',
          secondReview: { required: true, firstReviewerId: 'c-001', reviewerId: null },
        });
        const self = await act(t, counselor, set.id, 'second-review', handed.headers.etag, {
          decision: 'approve',
        });
        expect(self.status).toBe(403);

        const peerView = await readSet(t, otherCounselor, set.id);
        expect(peerView.set.status).toBe('awaiting_second_review');
        expect(peerView.set.openedAt).toBe(set.openedAt ?? peerView.set.openedAt);
        const approved = await act(t, otherCounselor, set.id, 'second-review', peerView.etag, {
          decision: 'approve',
        });
        expect(approved.status).toBe(200);
        expect(approved.body).toMatchObject({
          status: 'published',
          secondReview: { required: true, firstReviewerId: 'c-001', reviewerId: 'c-002' },
        });
        const seeker = await t.tokenFor('job_seeker', 'js-1');
        const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
        expect(mine.body.items).toHaveLength(2);

        const { decisionLog, pseudonymiser } = t.container.decisionLog;
        const events = (await decisionLog.listEvents({ limit: 1000 })).filter(
          (event) => event.payload.setId === set.id,
        );
        const tail = events.slice(-4).map((event) => [event.type, event.actor.pseudonym]);
        expect(tail).toEqual([
          ['second_review.requested', pseudonymiser.pseudonymise('c-001')],
          ['second_review.opened', pseudonymiser.pseudonymise('c-002')],
          ['second_review.completed', pseudonymiser.pseudonymise('c-002')],
          ['recommendation.published', pseudonymiser.pseudonymise('c-002')],
        ]);
      } finally {
        await putSettings(t, {});
      }
    });

    it('lets the second counselor return the set to review; it is then not visible to them any more', async () => {
      await putSettings(t, { secondReviewRate: 1 });
      try {
        const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
        const { etag } = await decideAll(t, counselor, set.id);
        const handed = await act(t, counselor, set.id, 'publish', etag);
        const returned = await act(t, otherCounselor, set.id, 'second-review', handed.headers.etag, {
          decision: 'return',
          comment: 'Vérifier les dates de session.',
        });
        expect(returned.status).toBe(200);
        expect(returned.body.status).toBe('pending_review');
        const peer = await t.http
          .get(`/v1/recommendations/${set.id}`)
          .auth(otherCounselor, { type: 'bearer' });
        expect(peer.status).toBe(404);
      } finally {
        await putSettings(t, {});
      }
    });

    it('samples no set at rate 0', async () => {
      // A person of its own: a drawn set of js-1 left open above would hand its review on (record 0003).
      await syncSeeker(t, 'js-rate-0');
      const { set } = await createSet(t, counselor, 'js-rate-0', { limit: 1 });
      expect(await readSecondReviewDraw(t, set.id)).toBe(false);
      const { etag } = await decideAll(t, counselor, set.id);
      const published = await act(t, counselor, set.id, 'publish', etag);
      expect(published.body).toMatchObject({ status: 'published', secondReview: { required: false } });
    });
  });

  describe('the kill switch stops what the model already suggested', () => {
    it('refuses to approve or publish a model suggestion while suggestions are off, lets the set be discarded, and resumes once they are on', async () => {
      const { set, etag } = await openSet();
      const [first, second] = set.items;
      if (first === undefined || second === undefined) throw new Error('two items expected');
      const approved = await decide(t, counselor, set.id, first.itemId, etag, { decision: 'approve' });
      let current = String(approved.headers.etag);
      // Another person's set: asking for js-1's suggestions again would withdraw the first one.
      await syncSeeker(t, 'js-switch-discard');
      const other = await readSet(t, counselor, (await createSet(t, counselor, 'js-switch-discard')).set.id);

      await putSettings(t, { aiEnabled: false });
      try {
        const approval = await decide(t, counselor, set.id, second.itemId, current, { decision: 'approve' });
        expect(approval.status).toBe(409);
        expect(approval.body.detail).toMatch(/suggestions are switched off/);
        const rejection = await decide(t, counselor, set.id, second.itemId, current, {
          decision: 'reject',
          reasonCode: 'not_matching_project',
        });
        expect(rejection.status).toBe(200);
        current = String(rejection.headers.etag);
        for (const item of set.items.slice(2)) {
          const res = await decide(t, counselor, set.id, item.itemId, current, {
            decision: 'reject',
            reasonCode: 'not_matching_project',
          });
          current = String(res.headers.etag);
        }
        const publish = await act(t, counselor, set.id, 'publish', current);
        expect(publish.status).toBe(409);
        expect((await readSet(t, counselor, set.id)).set.status).toBe('pending_review');

        const discarded = await act(t, counselor, other.set.id, 'discard', other.etag, {
          reason: 'Outil suspendu',
        });
        expect(discarded.status).toBe(200);
      } finally {
        await putSettings(t, {});
      }
      expect((await act(t, counselor, set.id, 'publish', current)).status).toBe(200);
    });

    it('refuses to publish when suggestions were switched off while the request was on its way', async () => {
      const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
      const { etag } = await decideAll(t, counselor, set.id);
      // The switch-off commits after the request's own checks, just before its transaction.
      const log = t.container.decisionLog.decisionLog;
      const withTransaction = log.withTransaction.bind(log);
      let switchOff: (() => Promise<void>) | undefined = () => putSettings(t, { aiEnabled: false });
      log.withTransaction = async (work) => {
        const change = switchOff;
        switchOff = undefined;
        await change?.();
        return withTransaction(work);
      };
      try {
        const publish = await act(t, counselor, set.id, 'publish', etag);

        expect(publish.status).toBe(409);
        expect(publish.body.detail).toMatch(/suggestions are switched off/);
        expect((await readSet(t, counselor, set.id)).set.status).toBe('pending_review');
      } finally {
        log.withTransaction = withTransaction;
        await putSettings(t, {});
      }
    });

    it('refuses the second reviewer’s approval of a model set while suggestions are off, and lets them return it', async () => {
      await putSettings(t, { secondReviewRate: 1 });
      let handed: { id: string; etag: string };
      try {
        const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
        const { etag } = await decideAll(t, counselor, set.id);
        const res = await act(t, counselor, set.id, 'publish', etag);
        expect(res.body.status).toBe('awaiting_second_review');
        handed = { id: set.id, etag: String(res.headers.etag) };
      } finally {
        await putSettings(t, {});
      }
      await putSettings(t, { aiEnabled: false });
      try {
        const approval = await act(t, otherCounselor, handed.id, 'second-review', handed.etag, {
          decision: 'approve',
        });
        expect(approval.status).toBe(409);
        expect(approval.body.detail).toMatch(/suggestions are switched off/);
        const returned = await act(t, otherCounselor, handed.id, 'second-review', handed.etag, {
          decision: 'return',
          comment: 'À revoir avant publication.',
        });
        expect(returned.status).toBe(200);
        expect(returned.body.status).toBe('pending_review');
      } finally {
        await putSettings(t, {});
      }
    });
  });
});
