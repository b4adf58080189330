import type { Response } from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DecisionEventType, RecordedDecisionEvent } from '../../src/decision-log/decision-event.ts';
import { trackAppended } from '../support/logged-text-refusals.ts';
import { countSensitiveTermWarnings } from '../support/metrics.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  approveAfterReading,
  createAndPublish,
  createSet,
  decide,
  decideAll,
  putSettings,
  readSet,
  type SetBody,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const PROBLEMS = 'https://aiguillage.example/problems/';
/** A text the screening flags (`grossesse`: health), as a counselor might write it about the person. */
const FLAGGED = 'Vu sa grossesse, les trajets longs sont à éviter.';

/**
 * The counselors' texts on the review path that the person reads as written, in their data export
 * (`GET /v1/me/data`): a decision's comment, an addition's reason, a discard's and a retraction's
 * reason, a second reviewer's comment. Each follows the rule of a message to the person: refused
 * until confirmed, then kept, answered with the warning and logged as acknowledged.
 */
describe('counselor texts the person reads, screened as a message to them', () => {
  let t: TestApp;
  let counselor: string;
  let otherCounselor: string;

  beforeAll(async () => {
    ({ t, counselor, otherCounselor } = await startWorkflowApp());
  });
  beforeEach(() => putSettings(t, {}));
  afterAll(() => t.close());

  const warningCount = (field: string) => countSensitiveTermWarnings(t, field);

  /**
   * Sends `send` (as the set's reader `token`, who read it first) and checks the refusal: 422
   * `sensitive-terms` naming the field and the kind of information, no event, the set's ETag as it
   * was, no warning counted.
   */
  async function expectRefusedUnchanged(
    token: string,
    setId: string,
    field: 'comment' | 'reason',
    send: (etag: string) => PromiseLike<Response>,
  ): Promise<string> {
    const { etag } = await readSet(t, token, setId);
    const before = await warningCount(field);
    const { result: refused, appended } = await trackAppended(t, () => send(etag));
    expect(refused.status).toBe(422);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.type).toBe(`${PROBLEMS}sensitive-terms`);
    expect(refused.body.detail).toMatch(new RegExp(`the ${field} .*\\(health\\).*acknowledgeSensitiveTerms`));
    expect(refused.body.warnings).toEqual([
      expect.objectContaining({ code: 'sensitive_term', field, terms: ['grossesse'] }),
    ]);
    expect(appended).toEqual([]);
    expect((await readSet(t, token, setId)).etag).toBe(etag);
    expect(await warningCount(field)).toBe(before);
    return etag;
  }

  /**
   * Sends the confirmed text and checks it was kept: answered with the warning, counted, and logged in
   * the act's event (`type`) with `sensitiveTermsAcknowledged`, the text sealed with its categories.
   */
  async function expectAcknowledged(
    field: 'comment' | 'reason',
    type: DecisionEventType,
    send: () => PromiseLike<Response>,
  ): Promise<Response> {
    const before = await warningCount(field);
    const { result: accepted, appended } = await trackAppended(t, send);
    expect(accepted.status).toBeLessThan(300);
    expect(accepted.body.warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'sensitive_term', field, terms: ['grossesse'] }),
      ]),
    );
    expect(await warningCount(field)).toBe(before + 1);
    const event = appended.find((candidate) => candidate.type === type);
    expect(event?.payload).toMatchObject({ sensitiveTermsAcknowledged: true });
    expect(JSON.stringify(event?.payload)).not.toMatch(/health|grossesse/);
    expect(await openPersonal(event)).toMatchObject({
      [field]: FLAGGED,
      sensitiveTermCategories: ['health'],
    });
    return accepted;
  }

  async function openPersonal(event: RecordedDecisionEvent | undefined): Promise<unknown> {
    if (event?.personal === null || event?.personal === undefined) return undefined;
    const opened = await t.container.decisionLog.subjectKeyring.decryptPersonal(event.personal);
    return opened.status === 'readable' ? opened.value : opened;
  }

  async function exportedSet(setId: string) {
    const seeker = await t.tokenFor('job_seeker', 'js-1');
    const data = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
    expect(data.status).toBe(200);
    return data.body.suggestionSets.find((set: { id: string }) => set.id === setId);
  }

  function firstItemId(set: SetBody): string {
    const item = set.items[0];
    if (item === undefined) throw new Error('the set has no item');
    return item.itemId;
  }

  it("refuses a decision's comment that seems to mention sensitive information until the counselor confirms it, then records, warns and logs it as acknowledged", async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
    const itemId = firstItemId(set);
    const rejection = { decision: 'reject', reasonCode: 'too_far', comment: FLAGGED } as const;
    const etag = await expectRefusedUnchanged(counselor, set.id, 'comment', (current) =>
      decide(t, counselor, set.id, itemId, current, rejection),
    );
    expect((await readSet(t, counselor, set.id)).set.items[0]).toMatchObject({
      decision: 'pending',
      comment: null,
    });

    const decided = await expectAcknowledged('comment', 'item.decided', () =>
      decide(t, counselor, set.id, itemId, etag, { ...rejection, acknowledgeSensitiveTerms: true }),
    );
    expect(decided.body.items[0]).toMatchObject({ decision: 'rejected', comment: FLAGGED });
    const discarded = await act(t, counselor, set.id, 'discard', String(decided.headers.etag), {
      reason: 'La personne a trouvé un emploi.',
    });
    expect(discarded.status).toBe(200);
    expect((await exportedSet(set.id)).items[0].rejection.comment).toBe(FLAGGED);
  });

  it("refuses an approval's comment that seems to mention sensitive information until confirmed, as a rejection's", async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
    const itemId = firstItemId(set);
    const approval = { decision: 'approve', comment: FLAGGED } as const;
    const etag = await expectRefusedUnchanged(counselor, set.id, 'comment', (current) =>
      decide(t, counselor, set.id, itemId, current, approval),
    );
    await expectAcknowledged('comment', 'item.decided', () =>
      decide(t, counselor, set.id, itemId, etag, { ...approval, acknowledgeSensitiveTerms: true }),
    );
  });

  it("refuses an addition's reason that seems to mention sensitive information until confirmed, then adds the course, warns and logs it as acknowledged", async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
    const addition = { courseId: 'PARIS-AS', reason: FLAGGED };
    const etag = await expectRefusedUnchanged(counselor, set.id, 'reason', (current) =>
      act(t, counselor, set.id, 'items', current, addition),
    );
    const added = await expectAcknowledged('reason', 'item.added', () =>
      act(t, counselor, set.id, 'items', etag, { ...addition, acknowledgeSensitiveTerms: true }),
    );
    expect(added.status).toBe(201);
    expect(added.body.items.at(-1)).toMatchObject({ source: 'counselor', course: { id: 'PARIS-AS' } });
  });

  it("refuses a discard's reason that seems to mention sensitive information until confirmed, then discards the set, warns and logs it as acknowledged", async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
    const etag = await expectRefusedUnchanged(counselor, set.id, 'reason', (current) =>
      act(t, counselor, set.id, 'discard', current, { reason: FLAGGED }),
    );
    expect((await readSet(t, counselor, set.id)).set.status).toBe('pending_review');
    const discarded = await expectAcknowledged('reason', 'recommendation.discarded', () =>
      act(t, counselor, set.id, 'discard', etag, { reason: FLAGGED, acknowledgeSensitiveTerms: true }),
    );
    expect(discarded.body).toMatchObject({ status: 'discarded', discardReason: FLAGGED });
    expect((await exportedSet(set.id)).discardReason).toBe(FLAGGED);
  });

  it("refuses a retraction's reason that seems to mention sensitive information until confirmed, the set still in front of the person, then retracts it, warns and logs it as acknowledged", async () => {
    const published = await createAndPublish(t, counselor, 'js-1', { approve: 1 });
    const etag = await expectRefusedUnchanged(counselor, published.id, 'reason', (current) =>
      act(t, counselor, published.id, 'retract', current, { reason: FLAGGED }),
    );
    expect((await readSet(t, counselor, published.id)).set.status).toBe('published');
    const retracted = await expectAcknowledged('reason', 'recommendation.retracted', () =>
      act(t, counselor, published.id, 'retract', etag, { reason: FLAGGED, acknowledgeSensitiveTerms: true }),
    );
    expect(retracted.body.status).toBe('retracted');
    expect((await exportedSet(published.id)).retraction.reason).toBe(FLAGGED);
  });

  it("refuses a second reviewer's comment that seems to mention sensitive information until confirmed, then returns the set, warns and logs it as acknowledged", async () => {
    await putSettings(t, { secondReviewRate: 1 });
    const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
    const { etag: decided } = await decideAll(t, counselor, set.id, { approve: 1 });
    const handed = await act(t, counselor, set.id, 'publish', decided);
    expect(handed.body.status).toBe('awaiting_second_review');
    const ret = { decision: 'return', comment: FLAGGED } as const;
    const etag = await expectRefusedUnchanged(otherCounselor, set.id, 'comment', (current) =>
      act(t, otherCounselor, set.id, 'second-review', current, ret),
    );
    expect((await readSet(t, otherCounselor, set.id)).set.status).toBe('awaiting_second_review');
    const returned = await expectAcknowledged('comment', 'second_review.completed', () =>
      act(t, otherCounselor, set.id, 'second-review', etag, { ...ret, acknowledgeSensitiveTerms: true }),
    );
    expect(returned.body.warnings).toEqual([
      expect.objectContaining({ code: 'sensitive_term', field: 'comment' }),
      expect.objectContaining({ code: 'comment_read_by_person', field: 'comment' }),
    ]);
    expect(returned.body.secondReview.returned.comment).toBe(FLAGGED);
  });

  it("refuses a second reviewer's approval comment that seems to mention sensitive information until confirmed, the set left unpublished", async () => {
    await putSettings(t, { secondReviewRate: 1 });
    const { set } = await createSet(t, counselor, 'js-1', { limit: 2 });
    const { etag: decided } = await decideAll(t, counselor, set.id, { approve: 1 });
    expect((await act(t, counselor, set.id, 'publish', decided)).body.status).toBe('awaiting_second_review');
    const refused = await approveAfterReading(t, otherCounselor, set.id, FLAGGED);
    expect(refused.status).toBe(422);
    expect(refused.body.type).toBe(`${PROBLEMS}sensitive-terms`);
    const { set: unchanged, etag } = await readSet(t, otherCounselor, set.id);
    expect(unchanged.status).toBe('awaiting_second_review');
    const approved = await expectAcknowledged('comment', 'second_review.completed', () =>
      act(t, otherCounselor, set.id, 'second-review', etag, {
        decision: 'approve',
        comment: FLAGGED,
        acknowledgeSensitiveTerms: true,
      }),
    );
    expect(approved.body.status).toBe('published');
  });

  it('answers a flagged, unconfirmed text sent for a set of another counselor with the 404 of a missing set, and a stale ETag with 412, as without it', async () => {
    const { set } = await createSet(t, counselor, 'js-1', { limit: 1 });
    const { etag } = await readSet(t, counselor, set.id);
    const itemId = firstItemId(set);
    const foreign = [
      decide(t, otherCounselor, set.id, itemId, etag, {
        decision: 'reject',
        reasonCode: 'too_far',
        comment: FLAGGED,
      }),
      act(t, otherCounselor, set.id, 'items', etag, { courseId: 'PARIS-AS', reason: FLAGGED }),
      act(t, otherCounselor, set.id, 'discard', etag, { reason: FLAGGED }),
    ];
    for (const res of await Promise.all(foreign)) {
      expect(res.status).toBe(404);
      expect(res.body.type).toBe(`${PROBLEMS}not-found`);
      expect(res.body.warnings).toBeUndefined();
    }
    const approved = await decide(t, counselor, set.id, itemId, etag, { decision: 'approve' });
    expect(approved.status).toBe(200);
    const stale = await act(t, counselor, set.id, 'discard', etag, { reason: FLAGGED });
    expect(stale.status).toBe(412);
  });
});
