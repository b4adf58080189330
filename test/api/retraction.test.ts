import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnexJobSeekerStore } from '../../src/job-seekers/knex-job-seeker-store.ts';
import { formatFrenchDay } from '../../src/shared/french-day.ts';
import { trackAppended } from '../support/logged-text-refusals.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  act,
  aWorkflowSeeker,
  createAndPublish,
  createSet,
  readSet,
  requestAccessRecord,
  type SetBody,
  syncSeeker,
  type TestClock,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MISSING_SET = '00000000-0000-4000-8000-000000000000';
const REASON = 'Le modèle a proposé des formations sans rapport avec son projet.';

/** The counselor takes back what they published (AI Act Art. 14(4)(d): the output can be reversed). */
describe('retracting a published set (POST /v1/recommendations/{setId}/retract)', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  /** A person with a published set; returns it with its current ETag. */
  async function publishedSetOf(seekerId: string): Promise<{ set: SetBody; etag: string }> {
    await syncSeeker(t, seekerId);
    const published = await createAndPublish(t, counselor, seekerId, { approve: 2, message: 'Bonjour !' });
    return readSet(t, counselor, published.id);
  }

  function retract(token: string, setId: string, etag: string | undefined, reason = REASON) {
    return act(t, token, setId, 'retract', etag, { reason });
  }

  async function portalOf(seekerId: string) {
    const token = await t.tokenFor('job_seeker', seekerId);
    const res = await t.http.get('/v1/me/recommendations').auth(token, { type: 'bearer' });
    expect(res.status).toBe(200);
    return {
      token,
      body: res.body as {
        publishedAt: string | null;
        retractedAt: string | null;
        retractionNotice: string | null;
        items: Array<{ itemId: string }>;
      },
    };
  }

  it('takes the set back: the job seeker sees none of its items and not the older published set, and is told when', async () => {
    const older = await publishedSetOf('js-retract-1');
    clock.advance(HOUR);
    const latest = await createAndPublish(t, counselor, 'js-retract-1', { approve: 1 });
    const { etag } = await readSet(t, counselor, latest.id);
    const shownItem = latest.items.find((item) => item.decision === 'approved');
    if (shownItem === undefined) throw new Error('the set needs an approved item');
    clock.advance(HOUR);

    const res = await retract(counselor, latest.id, etag);
    expect(res.status).toBe(200);
    expect(res.headers.etag).not.toBe(etag);
    expect(res.body).toMatchObject({
      status: 'retracted',
      retraction: { by: 'c-001', at: clock.now().toISOString(), reason: REASON },
    });

    const { token, body } = await portalOf('js-retract-1');
    expect(body).toEqual({
      publishedAt: latest.publishedAt,
      message: null,
      retractedAt: clock.now().toISOString(),
      retractionNotice: expect.stringMatching(
        /^La sélection de formations que votre conseiller vous avait proposée le /,
      ),
      items: [],
    });
    expect(JSON.stringify(body)).not.toContain(REASON);
    // The older set is still published: a portal falling back to it would have shown its items.
    expect((await readSet(t, counselor, older.set.id)).set.status).toBe('published');
    const explanation = await t.http
      .get(`/v1/me/recommendations/${shownItem.itemId}/explanation`)
      .auth(token, { type: 'bearer' });
    expect(explanation.status).toBe(404);
    const feedback = await t.http
      .post(`/v1/me/recommendations/${shownItem.itemId}/feedback`)
      .auth(token, { type: 'bearer' })
      .send({ response: 'interested' });
    expect(feedback.status).toBe(404);
  });

  it('tells the job seeker that the suggestions of the day the portal dates were taken back on another day, and none replace them, never as a selection they have', async () => {
    const older = await publishedSetOf('js-retract-dates');
    clock.advance(DAY);
    const latest = await createAndPublish(t, counselor, 'js-retract-dates', { approve: 1 });
    const { etag } = await readSet(t, counselor, latest.id);
    clock.advance(2 * DAY);
    expect((await retract(counselor, latest.id, etag)).status).toBe(200);

    const { body } = await portalOf('js-retract-dates');

    // The date shown is the retracted set's publication, not the older set's, and it is told as such.
    expect(body.publishedAt).toBe(latest.publishedAt);
    expect(body.publishedAt).not.toBe(older.set.publishedAt);
    expect(body.retractionNotice).toBe(
      `La sélection de formations que votre conseiller vous avait proposée le ${formatFrenchDay(String(latest.publishedAt))} ` +
        `a été retirée le ${formatFrenchDay(clock.now().toISOString())} : aucune sélection ne vous est proposée pour le ` +
        'moment. Le motif du retrait figure dans « Mes données » ; pour en parler, adressez-vous à votre conseiller.',
    );
    expect(body.retractionNotice).not.toContain(REASON);
    expect(body.items).toEqual([]);
    // A new publication is shown as usual, with no notice left of the retraction.
    clock.advance(HOUR);
    await createAndPublish(t, counselor, 'js-retract-dates', { approve: 1 });
    const after = await portalOf('js-retract-dates');
    expect(after.body).toMatchObject({ retractedAt: null, retractionNotice: null });
  });

  it('shows the next published set to the job seeker as usual', async () => {
    const { set, etag } = await publishedSetOf('js-retract-2');
    expect((await retract(counselor, set.id, etag)).status).toBe(200);
    clock.advance(HOUR);
    const next = await createAndPublish(t, counselor, 'js-retract-2', { approve: 1 });
    const { body } = await portalOf('js-retract-2');
    expect(body.retractedAt).toBeNull();
    expect(body.items.map((item) => item.itemId)).toEqual(
      next.items.filter((item) => item.decision === 'approved').map((item) => item.itemId),
    );
  });

  it('retracts only a published set: a set pending review, or one already retracted, answers 409 set-status', async () => {
    await syncSeeker(t, 'js-retract-3');
    const { set: pending } = await createSet(t, counselor, 'js-retract-3');
    const { etag: pendingEtag } = await readSet(t, counselor, pending.id);
    const refused = await retract(counselor, pending.id, pendingEtag);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      type: 'https://aiguillage.example/problems/set-status',
      setStatus: 'pending_review',
    });
    expect((await readSet(t, counselor, pending.id)).etag).toBe(pendingEtag);

    const { set, etag } = await publishedSetOf('js-retract-4');
    const first = await retract(counselor, set.id, etag);
    expect(first.status).toBe(200);
    const again = await retract(counselor, set.id, String(first.headers.etag));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ setStatus: 'retracted' });
  });

  it('needs If-Match: 428 without it, 412 with a stale one, the set still published', async () => {
    const { set, etag } = await publishedSetOf('js-retract-5');
    const missing = await retract(counselor, set.id, undefined);
    expect(missing.status).toBe(428);
    const stale = await retract(counselor, set.id, `"${set.version - 1}"`);
    expect(stale.status).toBe(412);
    const after = await readSet(t, counselor, set.id);
    expect(after).toMatchObject({ etag, set: { status: 'published' } });
    expect((await portalOf('js-retract-5')).body.items).not.toEqual([]);
  });

  it('refuses a reason of fewer than three characters other than spaces with 400', async () => {
    const { set, etag } = await publishedSetOf('js-retract-6');
    const res = await retract(counselor, set.id, etag, ' a  b ');
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('reason');
  });

  it('refuses a reason whose characters show nothing (zero-width spaces) with 422 naming the field; the set stays published and nothing is logged', async () => {
    const { set, etag } = await publishedSetOf('js-retract-7');
    for (const reason of ['\u200b\u200b\u200b', 'a\u200b\u200bb', ' \u200e\u2060\u200d ']) {
      const { result: res, appended } = await trackAppended(t, () =>
        retract(counselor, set.id, etag, reason),
      );
      expect(res.status, JSON.stringify(reason)).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ field: 'reason' });
      expect(appended).toEqual([]);
    }
    expect(await readSet(t, counselor, set.id)).toMatchObject({ etag, set: { status: 'published' } });
    expect((await portalOf('js-retract-7')).body.items).not.toEqual([]);
  });

  it('answers another counselor exactly as for a missing set, and changes nothing', async () => {
    const { set, etag } = await publishedSetOf('js-retract-7');
    const theirs = await retract(otherCounselor, set.id, etag);
    const missing = await retract(otherCounselor, MISSING_SET, etag);
    expect(theirs.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(theirs.body.detail.replace(set.id, 'ID')).toBe(missing.body.detail.replace(MISSING_SET, 'ID'));
    expect((await readSet(t, counselor, set.id)).etag).toBe(etag);
  });

  it('lets the new counselor of a person who moved retract the set their previous counselor published', async () => {
    const { set } = await publishedSetOf('js-retract-moved');
    await syncSeeker(t, 'js-retract-moved', aWorkflowSeeker({ counselorId: 'c-002' }));
    const formerCounselor = await retract(counselor, set.id, `"${set.version}"`);
    expect(formerCounselor.status).toBe(409);
    expect(formerCounselor.body.type).toMatch(/no-longer-on-caseload$/);
    const { etag } = await readSet(t, otherCounselor, set.id);

    const res = await retract(otherCounselor, set.id, etag);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'retracted', retraction: { by: 'c-002', reason: REASON } });
    expect((await portalOf('js-retract-moved')).body.items).toEqual([]);
  });

  it('lets an auditor tell from the log alone that the retraction of a person who moved came from the counselor holding their caseload', async () => {
    const { set } = await publishedSetOf('js-retract-moved-log');
    await syncSeeker(t, 'js-retract-moved-log', aWorkflowSeeker({ counselorId: 'c-002' }));
    const { etag } = await readSet(t, otherCounselor, set.id);
    expect((await retract(otherCounselor, set.id, etag)).status).toBe(200);

    const auditor = await t.tokenFor('auditor', 'dpo-1');
    const subject = t.container.decisionLog.pseudonymiser.pseudonymise('js-retract-moved-log');
    const res = await t.http
      .get(`/v1/audit/events?subject=${subject}&limit=200`)
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'who may act on the set');
    expect(res.status).toBe(200);
    const events = res.body.items as Array<{
      type: string;
      actor: { pseudonym: string };
      payload: Record<string, unknown>;
    }>;
    const holderBefore = (type: string) => {
      const at = events.findIndex((event) => event.type === type);
      return events.slice(0, at).findLast((event) => event.type === 'job_seeker.upserted')?.payload.counselor;
    };
    const actorOf = (type: string) => events.find((event) => event.type === type)?.actor.pseudonym;
    expect(holderBefore('recommendation.generated')).toBe(actorOf('recommendation.generated'));
    expect(holderBefore('recommendation.retracted')).toBe(actorOf('recommendation.retracted'));
    expect(actorOf('recommendation.retracted')).not.toBe(actorOf('recommendation.generated'));
  });

  it('tells a counselor the person moved away from while their retraction was on its way that the person is no longer theirs (409)', async () => {
    const { set, etag } = await publishedSetOf('js-retract-moving');
    // The move commits after the retraction's first look at the caseload, before its transaction.
    const jobSeekers = KnexJobSeekerStore.prototype;
    const original = jobSeekers.findStanding;
    let armed = true;
    jobSeekers.findStanding = async function (this: KnexJobSeekerStore, id, trx) {
      const found = await original.call(this, id, trx);
      if (armed && id === 'js-retract-moving' && trx === undefined) {
        armed = false;
        await syncSeeker(t, id, aWorkflowSeeker({ counselorId: 'c-002' }));
      }
      return found;
    };
    try {
      const res = await retract(counselor, set.id, etag);
      expect(res.status).toBe(409);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.type).toMatch(/no-longer-on-caseload$/);
    } finally {
      jobSeekers.findStanding = original;
    }
    expect((await readSet(t, otherCounselor, set.id)).set.status).toBe('published');
  });

  it('lists retracted sets in the queue under their own status', async () => {
    const { set, etag } = await publishedSetOf('js-retract-8');
    expect((await retract(counselor, set.id, etag)).status).toBe(200);
    const queue = await t.http
      .get('/v1/recommendations')
      .query({ status: 'retracted', seekerId: 'js-retract-8' })
      .auth(counselor, { type: 'bearer' });
    expect(queue.status).toBe(200);
    expect(queue.body.items).toMatchObject([{ id: set.id, status: 'retracted' }]);
  });

  it('logs recommendation.retracted about the person, counts in clear and the reason sealed; the chain verifies after it', async () => {
    const { set, etag } = await publishedSetOf('js-retract-9');
    expect((await retract(counselor, set.id, etag)).status).toBe(200);
    const { decisionLog, pseudonymiser, subjectKeyring } = t.container.decisionLog;
    const events = await decisionLog.listEvents({ types: ['recommendation.retracted'], limit: 1000 });
    const event = events.find((candidate) => candidate.payload.setId === set.id);
    expect(event).toMatchObject({
      actor: { role: 'counselor', pseudonym: pseudonymiser.pseudonymise('c-001') },
      subject: pseudonymiser.pseudonymise('js-retract-9'),
      payload: { setId: set.id, retractedItemCount: 2, outcomesDeleted: 0 },
    });
    expect(Object.keys(event?.payload ?? {}).sort()).toEqual([
      'outcomesDeleted',
      'retractedItemCount',
      'setId',
    ]);
    expect(JSON.stringify(event?.payload)).not.toContain(REASON);
    expect(event?.personal).toMatch(/^p1\./);
    expect(await subjectKeyring.decryptPersonal(String(event?.personal))).toEqual({
      status: 'readable',
      value: { reason: REASON },
    });
    expect(await decisionLog.verifyRange()).toMatchObject({ ok: true });
  });

  it("shows the retraction and its reason in the person's data export, its items no longer among the suggestions given", async () => {
    const { set, etag } = await publishedSetOf('js-retract-10');
    const retracted = await retract(counselor, set.id, etag);
    expect(retracted.status).toBe(200);
    const token = await t.tokenFor('job_seeker', 'js-retract-10');
    const res = await t.http.get('/v1/me/data').auth(token, { type: 'bearer' });
    expect(res.status).toBe(200);
    expect(res.body.recommendations).toEqual([]);
    expect(res.body.suggestionSets).toMatchObject([
      {
        id: set.id,
        status: 'retracted',
        message: 'Bonjour !',
        retraction: { at: retracted.body.retraction.at, reason: REASON },
      },
    ]);
    expect(res.body.suggestionSets[0].retraction).not.toHaveProperty('by');
  });

  it("shows who retracted the set, when and why in the person's access record, staff by pseudonym", async () => {
    const { set, etag } = await publishedSetOf('js-retract-11');
    const retracted = await retract(counselor, set.id, etag);
    expect(retracted.status).toBe(200);
    const admin = await t.tokenFor('admin', 'ops-1');
    const res = await requestAccessRecord(t, admin, 'js-retract-11', 'DSAR-2026-0300');
    expect(res.status).toBe(200);
    expect(res.body.suggestionSets).toMatchObject([
      {
        id: set.id,
        status: 'retracted',
        retraction: {
          by: t.container.decisionLog.pseudonymiser.pseudonymise('c-001'),
          at: retracted.body.retraction.at,
          reason: REASON,
        },
      },
    ]);
  });
});
