import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionEvent } from '../../src/decision-log/decision-event.ts';
import { countSensitiveTermWarnings } from '../support/metrics.ts';
import { withoutInstance } from '../support/problem-body.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  aClock,
  createSet,
  objectToAi,
  readSet,
  requestManualSet,
  requestSet,
  seedCatalogAndSeeker,
  syncSeeker,
  type TestClock,
  wasObjectionRestored,
} from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const DAY = 24 * 3_600_000;

/** The objection events about a person, in the order they were logged. */
async function objectionEventsAbout(t: TestApp, seekerId: string): Promise<DecisionEvent[]> {
  const { decisionLog, pseudonymiser } = t.container.decisionLog;
  return decisionLog.listEvents({
    types: ['objection.recorded', 'objection.withdrawn'],
    subject: pseudonymiser.pseudonymise(seekerId),
    limit: 1000,
  });
}

/** The sensitive-term warnings counted for `field` so far (`aiguillage_sensitive_term_warnings_total`). */
const warningCount = countSensitiveTermWarnings;

/** The counselor records the person's objection (POST /v1/job-seekers/{id}/objection). */
function recordForSeeker(t: TestApp, token: string, seekerId: string, body: object) {
  return t.http.post(`/v1/job-seekers/${seekerId}/objection`).auth(token, { type: 'bearer' }).send(body);
}

/** The person withdraws their objection (DELETE /v1/me/objection). */
async function withdraw(t: TestApp, seekerId: string) {
  return t.http.delete('/v1/me/objection').auth(await t.tokenFor('job_seeker', seekerId), { type: 'bearer' });
}

/** What the person's data export says of their objection. */
async function myObjection(t: TestApp, seekerId: string) {
  const res = await t.http
    .get('/v1/me/data')
    .auth(await t.tokenFor('job_seeker', seekerId), { type: 'bearer' });
  expect(res.status).toBe(200);
  return { aiObjection: res.body.profile.aiObjection as boolean, objection: res.body.objection as unknown };
}

describe('objection to AI processing recorded by the counselor, withdrawn by the person', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let otherCounselor: string;

  beforeAll(async () => {
    ({ t, clock, counselor, otherCounselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('tells a counselor acting on a set the objection withdrew that the person objected, and sends them to the manual path, not to new suggestions', async () => {
    await syncSeeker(t, 'js-mid-review');
    const { set } = await createSet(t, counselor, 'js-mid-review', { limit: 2 });
    const before = await readSet(t, counselor, set.id);
    await objectToAi(t, 'js-mid-review');

    const { etag } = await readSet(t, counselor, set.id);
    const itemId = before.set.items[0]?.itemId ?? '';
    const res = await t.http
      .post(`/v1/recommendations/${set.id}/items/${itemId}/decision`)
      .auth(counselor, { type: 'bearer' })
      .set('If-Match', etag)
      .send({ decision: 'approve' });

    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('the person objected to AI processing');
    expect(res.body.detail).toContain('/v1/job-seekers/js-mid-review/manual-recommendations');
    expect(res.body.detail).not.toContain('ask for suggestions');
  });

  describe('recorded by the counselor', () => {
    it('sends the counselor to the manual path, withdraws the open model sets and logs the channel, the comment sealed', async () => {
      await syncSeeker(t, 'js-letter');
      const { set } = await createSet(t, counselor, 'js-letter', { limit: 2 });
      const comment = 'Courrier reçu le 1er octobre : refuse l’outil.';

      const res = await recordForSeeker(t, counselor, 'js-letter', { channel: 'letter', comment });

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        aiObjection: true,
        recordedAt: clock.now().toISOString(),
        recordedBy: 'counselor',
        channel: 'letter',
      });
      expect((await readSet(t, counselor, set.id)).set.status).toBe('discarded');
      const refused = await requestSet(t, counselor, 'js-letter');
      expect(refused.status).toBe(409);
      expect(refused.body.detail).toMatch(/objected/);
      expect(refused.body.manualSetPath).toBe('/v1/job-seekers/js-letter/manual-recommendations');
      expect((await requestManualSet(t, counselor, 'js-letter')).status).toBe(201);

      const { pseudonymiser, subjectKeyring } = t.container.decisionLog;
      const [event, ...others] = await objectionEventsAbout(t, 'js-letter');
      expect(others).toEqual([]);
      expect(event).toMatchObject({
        type: 'objection.recorded',
        actor: { role: 'counselor', pseudonym: pseudonymiser.pseudonymise('c-001') },
        subject: pseudonymiser.pseudonymise('js-letter'),
        payload: { channel: 'letter', withdrawnSetIds: [set.id] },
      });
      expect(JSON.stringify(event?.payload)).not.toContain('Courrier');
      expect(event?.personal).not.toContain('Courrier');
      expect(await subjectKeyring.decryptPersonal(String(event?.personal))).toEqual({
        status: 'readable',
        value: { comment },
      });
    });

    it('answers another counselor as for a missing person, and records nothing', async () => {
      await syncSeeker(t, 'js-not-theirs');

      const other = await recordForSeeker(t, otherCounselor, 'js-not-theirs', { channel: 'in_person' });
      const missing = await recordForSeeker(t, otherCounselor, 'js-nobody', { channel: 'in_person' });

      expect(other.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
      const strip = (body: { detail: string }) => ({
        ...withoutInstance(body),
        detail: body.detail.replace(/js-[a-z-]+/, 'ID'),
      });
      expect(strip(other.body)).toEqual(strip(missing.body));
      expect((await myObjection(t, 'js-not-theirs')).aiObjection).toBe(false);
      expect(await objectionEventsAbout(t, 'js-not-theirs')).toEqual([]);
    });

    it('refuses the job seeker, even the person themselves, and the auditor', async () => {
      await syncSeeker(t, 'js-roles');
      for (const token of [
        await t.tokenFor('job_seeker', 'js-roles'),
        await t.tokenFor('auditor', 'aud-1'),
      ]) {
        const res = await recordForSeeker(t, token, 'js-roles', { channel: 'in_person' });
        expect(res.status).toBe(403);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
      expect(await objectionEventsAbout(t, 'js-roles')).toEqual([]);
    });

    it('needs to know how the person expressed it, among the channels it knows', async () => {
      await syncSeeker(t, 'js-how');
      for (const body of [{}, { channel: 'portal' }, { channel: 'pigeon' }]) {
        const res = await recordForSeeker(t, counselor, 'js-how', body);
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([expect.objectContaining({ path: '/body/channel' })]);
      }
      expect(await objectionEventsAbout(t, 'js-how')).toEqual([]);
    });

    it('refuses a comment that seems to mention sensitive information until the counselor confirms it, naming its kinds, recording, logging and counting nothing', async () => {
      await syncSeeker(t, 'js-desk-sensitive');
      const { set } = await createSet(t, counselor, 'js-desk-sensitive', { limit: 2 });
      const before = await warningCount(t, 'comment');

      const refused = await recordForSeeker(t, counselor, 'js-desk-sensitive', {
        channel: 'in_person',
        comment: 'Ne souhaite pas, à cause de sa maladie.',
      });

      expect(refused.status).toBe(422);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({
        type: 'https://aiguillage.example/problems/sensitive-terms',
        warnings: [expect.objectContaining({ code: 'sensitive_term', field: 'comment', terms: ['maladie'] })],
      });
      expect(refused.body.detail).toBe(
        'the comment seems to mention sensitive information (health); rephrase it, or send it again with ' +
          'acknowledgeSensitiveTerms: true to record it as written',
      );
      expect((await myObjection(t, 'js-desk-sensitive')).aiObjection).toBe(false);
      expect((await readSet(t, counselor, set.id)).set.status).not.toBe('discarded');
      expect(await objectionEventsAbout(t, 'js-desk-sensitive')).toEqual([]);
      expect(await warningCount(t, 'comment')).toBe(before);
    });

    it('records a comment the counselor confirmed despite the screening, warns them in English and logs it as acknowledged, the warned categories sealed', async () => {
      await syncSeeker(t, 'js-desk-confirmed');
      const comment = 'Ne souhaite pas, à cause de sa maladie.';
      const before = await warningCount(t, 'comment');

      const res = await recordForSeeker(t, counselor, 'js-desk-confirmed', {
        channel: 'in_person',
        comment,
        acknowledgeSensitiveTerms: true,
      });

      expect(res.status).toBe(200);
      expect(res.body.warnings).toEqual([expect.objectContaining({ field: 'comment', terms: ['maladie'] })]);
      expect(res.body.warnings[0].message).toMatch(
        /^this text seems to mention sensitive information \(health\)/,
      );
      expect((await myObjection(t, 'js-desk-confirmed')).aiObjection).toBe(true);
      expect(await warningCount(t, 'comment')).toBe(before + 1);
      const [event, ...others] = await objectionEventsAbout(t, 'js-desk-confirmed');
      expect(others).toEqual([]);
      expect(event?.payload).toMatchObject({ channel: 'in_person', sensitiveTermsAcknowledged: true });
      expect(JSON.stringify(event?.payload)).not.toMatch(/health|maladie/);
      expect(await t.container.decisionLog.subjectKeyring.decryptPersonal(String(event?.personal))).toEqual({
        status: 'readable',
        value: { comment, sensitiveTermCategories: ['health'] },
      });
    });

    it('records a comment confirmed though the screening finds nothing in it as any other, not marked acknowledged', async () => {
      await syncSeeker(t, 'js-desk-plain');
      const res = await recordForSeeker(t, counselor, 'js-desk-plain', {
        channel: 'phone',
        comment: 'Appel du 2 octobre.',
        acknowledgeSensitiveTerms: true,
      });
      expect(res.status).toBe(200);
      expect(res.body).not.toHaveProperty('warnings');
      const [event] = await objectionEventsAbout(t, 'js-desk-plain');
      expect(event?.payload).not.toHaveProperty('sensitiveTermsAcknowledged');
    });

    it('answers a repeat as the first time and logs each expression, as the portal does', async () => {
      await syncSeeker(t, 'js-twice');
      await objectToAi(t, 'js-twice');
      clock.advance(DAY);

      const first = await recordForSeeker(t, counselor, 'js-twice', { channel: 'phone' });
      clock.advance(DAY);
      const again = await recordForSeeker(t, counselor, 'js-twice', { channel: 'email' });

      expect([first.status, again.status]).toEqual([200, 200]);
      expect(again.body).toMatchObject({ recordedAt: clock.now().toISOString(), channel: 'email' });
      const events = await objectionEventsAbout(t, 'js-twice');
      expect(events.map((event) => [event.actor.role, event.payload.channel])).toEqual([
        ['job_seeker', 'portal'],
        ['counselor', 'phone'],
        ['counselor', 'email'],
      ]);
      expect(await myObjection(t, 'js-twice')).toEqual({
        aiObjection: true,
        objection: { recordedAt: clock.now().toISOString(), recordedBy: 'counselor', channel: 'email' },
      });
    });
  });

  describe('what the person sees', () => {
    it('shows who recorded the objection, when and how, in the data export', async () => {
      await syncSeeker(t, 'js-sees-desk');
      await syncSeeker(t, 'js-sees-portal');
      expect(await myObjection(t, 'js-sees-desk')).toEqual({ aiObjection: false, objection: null });

      await recordForSeeker(t, counselor, 'js-sees-desk', { channel: 'in_person' });
      await objectToAi(t, 'js-sees-portal');

      const recordedAt = clock.now().toISOString();
      expect(await myObjection(t, 'js-sees-desk')).toEqual({
        aiObjection: true,
        objection: { recordedAt, recordedBy: 'counselor', channel: 'in_person' },
      });
      expect(await myObjection(t, 'js-sees-portal')).toEqual({
        aiObjection: true,
        objection: { recordedAt, recordedBy: 'job_seeker', channel: 'portal' },
      });
    });
  });

  describe('withdrawn by the person', () => {
    it('lets the person withdraw an objection their counselor recorded: suggestions can be asked for again, and the withdrawal is logged', async () => {
      await syncSeeker(t, 'js-changes-mind');
      await recordForSeeker(t, counselor, 'js-changes-mind', { channel: 'letter' });
      expect((await requestSet(t, counselor, 'js-changes-mind')).status).toBe(409);

      const res = await withdraw(t, 'js-changes-mind');

      expect(res.status).toBe(204);
      expect(await myObjection(t, 'js-changes-mind')).toEqual({ aiObjection: false, objection: null });
      expect((await requestSet(t, counselor, 'js-changes-mind')).status).toBe(201);
      const { pseudonymiser } = t.container.decisionLog;
      const withdrawn = (await objectionEventsAbout(t, 'js-changes-mind')).at(-1);
      expect(withdrawn).toMatchObject({
        type: 'objection.withdrawn',
        actor: { role: 'job_seeker', pseudonym: pseudonymiser.pseudonymise('js-changes-mind') },
        subject: pseudonymiser.pseudonymise('js-changes-mind'),
        payload: {},
        personal: null,
      });
    });

    it('gives a counselor no way to withdraw an objection', async () => {
      await syncSeeker(t, 'js-stands');
      await objectToAi(t, 'js-stands');

      const throughPortal = await t.http.delete('/v1/me/objection').auth(counselor, { type: 'bearer' });
      const onTheFile = await t.http
        .delete('/v1/job-seekers/js-stands/objection')
        .auth(counselor, { type: 'bearer' });

      expect(throughPortal.status).toBe(403);
      expect(onTheFile.status).toBe(405);
      expect(onTheFile.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((await myObjection(t, 'js-stands')).aiObjection).toBe(true);
      expect((await requestSet(t, counselor, 'js-stands')).status).toBe(409);
      expect((await objectionEventsAbout(t, 'js-stands')).map((event) => event.type)).toEqual([
        'objection.recorded',
      ]);
    });

    it('answers 409 to a withdrawal when no objection stands, and logs nothing', async () => {
      await syncSeeker(t, 'js-never-objected');
      await syncSeeker(t, 'js-withdraws-twice');
      await objectToAi(t, 'js-withdraws-twice');
      expect((await withdraw(t, 'js-withdraws-twice')).status).toBe(204);

      for (const seekerId of ['js-never-objected', 'js-withdraws-twice']) {
        const res = await withdraw(t, seekerId);
        expect(res.status).toBe(409);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({
          type: 'https://aiguillage.example/problems/no-objection',
          detail: expect.stringMatching(/rien à retirer/),
        });
      }
      expect(await objectionEventsAbout(t, 'js-never-objected')).toEqual([]);
      expect((await objectionEventsAbout(t, 'js-withdraws-twice')).map((event) => event.type)).toEqual([
        'objection.recorded',
        'objection.withdrawn',
      ]);
    });

    it('answers 404 to a withdrawal by a person the service does not know', async () => {
      const res = await withdraw(t, 'js-unknown');
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });
  });

  it('lets auditors find withdrawals in the log by their type', async () => {
    await syncSeeker(t, 'js-audited');
    await objectToAi(t, 'js-audited');
    await withdraw(t, 'js-audited');
    const res = await t.http
      .get('/v1/audit/events?type=objection.withdrawn&limit=200')
      .auth(await t.tokenFor('auditor', 'aud-1'), { type: 'bearer' })
      .set('X-Audit-Purpose', 'objection follow-up');
    expect(res.status).toBe(200);
    const subject = t.container.decisionLog.pseudonymiser.pseudonymise('js-audited');
    expect(res.body.items).toContainEqual(expect.objectContaining({ type: 'objection.withdrawn', subject }));
    expect(res.body.items.every((event: { type: string }) => event.type === 'objection.withdrawn')).toBe(
      true,
    );
  });
});

describe('an objection and its withdrawal, once the idle profile was purged and synced again', () => {
  let t: TestApp;
  let clock: TestClock;
  let counselor: string;
  let recordedAt: string;

  /** Syncs the person again and says whether the sync gave their objection back. */
  const resync = async (seekerId: string) => {
    await syncSeeker(t, seekerId);
    return wasObjectionRestored(t, seekerId);
  };

  beforeAll(async () => {
    clock = aClock();
    t = await startTestApp({ now: clock.now, env: { RETENTION_PERSONAL_DAYS: '60' } });
    counselor = await t.tokenFor('counselor', 'c-001');
    await seedCatalogAndSeeker(t, 'js-withdrew');
    await syncSeeker(t, 'js-told-counselor');
    await recordForSeeker(t, counselor, 'js-withdrew', { channel: 'letter' });
    recordedAt = clock.now().toISOString();
    const recorded = await recordForSeeker(t, counselor, 'js-told-counselor', { channel: 'in_person' });
    expect(recorded.status).toBe(200);
    clock.advance(DAY);
    expect((await withdraw(t, 'js-withdrew')).status).toBe(204);
    clock.advance(61 * DAY);
    expect((await t.container.retention.purgeExpired()).purged.jobSeekers).toBe(2);
  });
  afterAll(() => t.close());

  it('does not bring back an objection the person withdrew', async () => {
    expect(await resync('js-withdrew')).toBe(false);
    expect(await myObjection(t, 'js-withdrew')).toEqual({ aiObjection: false, objection: null });
    expect((await requestSet(t, counselor, 'js-withdrew')).status).toBe(201);
  });

  it('brings back an objection the counselor recorded, as it was recorded', async () => {
    expect(await resync('js-told-counselor')).toBe(true);
    expect(await myObjection(t, 'js-told-counselor')).toEqual({
      aiObjection: true,
      objection: { recordedAt, recordedBy: 'counselor', channel: 'in_person' },
    });
    expect((await requestSet(t, counselor, 'js-told-counselor')).status).toBe(409);
  });
});

describe('an objection and the open sets it withdraws', () => {
  let t: TestApp;

  beforeAll(async () => {
    const clock = aClock();
    // Every reading of the clock a millisecond after the one before, as a real clock moves while a
    // request runs: two readings for one change would tell two times.
    const ticking = () => {
      const at = clock.now();
      clock.advance(1);
      return at;
    };
    t = await startTestApp({ now: ticking });
    await seedCatalogAndSeeker(t, 'js-ticking');
  });
  afterAll(() => t.close());

  it('records the objection at the instant the open sets it withdrew were closed, in the answer, the export and the log', async () => {
    const counselor = await t.tokenFor('counselor', 'c-001');
    const { set } = await createSet(t, counselor, 'js-ticking', { limit: 2 });
    const seeker = await t.tokenFor('job_seeker', 'js-ticking');

    const res = await t.http.post('/v1/me/objection').auth(seeker, { type: 'bearer' }).send({});

    expect(res.status).toBe(200);
    const data = await t.http.get('/v1/me/data').auth(seeker, { type: 'bearer' });
    expect(data.status).toBe(200);
    const withdrawn = data.body.suggestionSets.find((mine: { id: string }) => mine.id === set.id);
    expect(withdrawn).toMatchObject({ status: 'discarded', closedAt: res.body.recordedAt });
    expect(data.body.objection.recordedAt).toBe(res.body.recordedAt);
    const { decisionLog, pseudonymiser } = t.container.decisionLog;
    const [discarded] = await decisionLog.listEvents({
      types: ['recommendation.discarded'],
      subject: pseudonymiser.pseudonymise('js-ticking'),
      limit: 10,
    });
    expect(discarded?.occurredAt).toBe(res.body.recordedAt);
  });

  it('syncs a person at one instant, in their profile and in the log', async () => {
    await syncSeeker(t, 'js-synced-once');

    const file = await t.container.db('job_seekers').where({ id: 'js-synced-once' }).first('updated_at');
    const { decisionLog, pseudonymiser } = t.container.decisionLog;
    const [synced] = await decisionLog.listEvents({
      types: ['job_seeker.upserted'],
      subject: pseudonymiser.pseudonymise('js-synced-once'),
      limit: 10,
    });
    expect(synced?.occurredAt).toBe(file?.updated_at);
  });

  it("withdraws the objection at one instant, in the person's file and in the log", async () => {
    await syncSeeker(t, 'js-ticking-back');
    await objectToAi(t, 'js-ticking-back');

    const res = await withdraw(t, 'js-ticking-back');

    expect(res.status).toBe(204);
    const file = await t.container
      .db('job_seekers')
      .where({ id: 'js-ticking-back' })
      .first('objection_changed_at');
    const withdrawn = (await objectionEventsAbout(t, 'js-ticking-back')).find(
      (event) => event.type === 'objection.withdrawn',
    );
    expect(withdrawn?.occurredAt).toBe(file?.objection_changed_at);
  });
});
