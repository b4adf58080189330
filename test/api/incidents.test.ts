import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/principal.ts';
import type { JsonValue } from '../../src/decision-log/canonical-json.ts';
import { PageCursor } from '../../src/http/page-cursor.ts';
import { aListOfTimestamps, anIdLikeText } from '../support/id-like-text.ts';
import { aLoggedTextRefusal, PERSON_ID_REFUSAL, trackAppended } from '../support/logged-text-refusals.ts';
import type { TestApp } from '../support/test-app.ts';
import { createSet, newIdempotencyKey, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const DAY = 86_400_000;
/** How long the log has been running when the tests record incidents. */
const LOG_AGE = 60 * DAY;
const PURPOSE = 'incident follow-up';
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

interface NotificationBody {
  recipient: string;
  notifiedAt: string;
  reference: string | null;
  recordedAt: string;
  recordedBy: { role: string; pseudonym: string };
}

interface IncidentBody {
  incidentId: string;
  severity: string;
  summary: string;
  detectedAt: string;
  modelId: string | null;
  setIds: string[];
  measures: string | null;
  sensitiveTermsAcknowledged: boolean;
  recordedAt: string;
  recordedBy: { role: string; pseudonym: string };
  notifications: NotificationBody[];
  authorityNotified: boolean;
  daysSinceDetection: number;
  warnings?: Array<{ code: string; field: string; terms: string[] }>;
}

/** The deployer's incident record (AI Act Art. 26(5), Art. 73), kept in the decision log. */
describe('incidents (/v1/audit/incidents)', () => {
  let t: TestApp;
  let clock: TestClock;
  let admin: string;
  let auditor: string;
  let setId: string;
  let modelId: string;

  beforeAll(async () => {
    const app = await startWorkflowApp();
    ({ t, clock } = app);
    admin = await t.tokenFor('admin', 'ops-1');
    auditor = await t.tokenFor('auditor', 'dpo-1');
    const { set } = await createSet(t, app.counselor);
    setId = set.id;
    modelId = String(set.model?.id);
    // The incidents below were detected up to 30 days back: after the log's first event, as any must be.
    clock.advance(LOG_AGE);
  });
  afterAll(() => t.close());

  const anIncident = (overrides: Record<string, unknown> = {}) => ({
    summary: 'Suggestions published for courses whose sessions had been cancelled',
    severity: 'malfunction',
    detectedAt: new Date(clock.now().getTime() - DAY).toISOString(),
    ...overrides,
  });
  /** POST /v1/audit/incidents, with a fresh Idempotency-Key unless one is given. */
  const record = (body: Record<string, unknown>, token = admin, key = newIdempotencyKey()) =>
    t.http.post('/v1/audit/incidents').auth(token, { type: 'bearer' }).set('Idempotency-Key', key).send(body);
  /** POST …/notifications, with a fresh Idempotency-Key unless one is given. */
  const notify = (
    incidentId: string,
    body: Record<string, unknown>,
    token = admin,
    key = newIdempotencyKey(),
  ) =>
    t.http
      .post(`/v1/audit/incidents/${incidentId}/notifications`)
      .auth(token, { type: 'bearer' })
      .set('Idempotency-Key', key)
      .send(body);
  const listPage = (query: Record<string, string | number> = {}, token = auditor) =>
    t.http
      .get('/v1/audit/incidents')
      .query(query)
      .auth(token, { type: 'bearer' })
      .set('X-Audit-Purpose', PURPOSE);
  /** Every incident, on one page of the largest size. */
  const list = async (token = auditor): Promise<IncidentBody[]> => {
    const res = await listPage({ limit: 200 }, token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    return res.body.items as IncidentBody[];
  };
  const incidentEvents = async () =>
    (
      await t.container
        .db('decision_events')
        .whereIn('type', ['incident.recorded', 'incident.notified'])
        .orderBy('seq')
        .select('type', 'actor_role', 'subject', 'payload', 'personal')
    ).map(
      (row: { type: string; actor_role: string; subject: unknown; payload: string; personal: unknown }) => ({
        ...row,
        payload: JSON.parse(row.payload) as Record<string, unknown>,
      }),
    );

  it('records an incident as one incident.recorded event and lists it', async () => {
    const detectedAt = new Date(clock.now().getTime() - 2 * DAY);
    const res = await record(
      anIncident({
        severity: 'serious',
        summary: 'A set was published without any item approved by its counselor',
        detectedAt: detectedAt.toISOString().replace('Z', '+00:00'),
        modelId,
        setIds: [setId],
        measures: 'Kill switch thrown; the set retracted',
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const incident = res.body as IncidentBody;
    expect(incident).toMatchObject({
      severity: 'serious',
      summary: 'A set was published without any item approved by its counselor',
      detectedAt: detectedAt.toISOString(),
      modelId,
      setIds: [setId],
      measures: 'Kill switch thrown; the set retracted',
      sensitiveTermsAcknowledged: false,
      recordedAt: clock.now().toISOString(),
      recordedBy: { role: 'admin' },
      notifications: [],
      authorityNotified: false,
      daysSinceDetection: 2,
    });
    expect(incident.warnings).toBeUndefined();

    const [event] = (await incidentEvents()).filter((e) => e.payload.incidentId === incident.incidentId);
    expect(event).toEqual({
      type: 'incident.recorded',
      actor_role: 'admin',
      subject: null,
      personal: null,
      payload: {
        incidentId: incident.incidentId,
        severity: 'serious',
        detectedAt: detectedAt.toISOString(),
        summary: incident.summary,
        measures: incident.measures,
        modelId,
        setIds: [setId],
      },
    });
    expect(JSON.stringify(event)).not.toMatch(/ops-1|c-001|js-1/);

    const listed = (await list()).find((item) => item.incidentId === incident.incidentId);
    expect(listed).toEqual(incident);
  });

  it('records that the provider, then the authority, were informed, and lists the incident with both', async () => {
    const created = await record(anIncident({ severity: 'serious' }), auditor);
    expect(created.status).toBe(201);
    const { incidentId } = created.body as IncidentBody;
    clock.advance(DAY);

    const toProvider = await notify(incidentId, {
      recipient: 'provider',
      notifiedAt: new Date(clock.now().getTime() - 3_600_000).toISOString(),
    });
    expect(toProvider.status, JSON.stringify(toProvider.body)).toBe(201);
    expect(toProvider.body).toMatchObject({ incidentId, authorityNotified: false, daysSinceDetection: 2 });

    const toAuthority = await notify(
      incidentId,
      { recipient: 'authority', notifiedAt: clock.now().toISOString(), reference: 'MSA-2026/0042' },
      auditor,
    );
    expect(toAuthority.status, JSON.stringify(toAuthority.body)).toBe(201);
    const incident = toAuthority.body as IncidentBody;
    expect(incident.authorityNotified).toBe(true);
    expect(incident.notifications).toEqual([
      {
        recipient: 'provider',
        notifiedAt: new Date(clock.now().getTime() - 3_600_000).toISOString(),
        reference: null,
        recordedAt: clock.now().toISOString(),
        recordedBy: { role: 'admin', pseudonym: expect.any(String) },
      },
      {
        recipient: 'authority',
        notifiedAt: clock.now().toISOString(),
        reference: 'MSA-2026/0042',
        recordedAt: clock.now().toISOString(),
        recordedBy: { role: 'auditor', pseudonym: expect.any(String) },
      },
    ]);
    expect((await list(admin)).find((item) => item.incidentId === incidentId)).toEqual(incident);

    const notified = (await incidentEvents()).filter(
      (e) => e.type === 'incident.notified' && e.payload.incidentId === incidentId,
    );
    expect(notified.map((e) => e.payload)).toEqual([
      {
        incidentId,
        recipient: 'provider',
        notifiedAt: incident.notifications[0]?.notifiedAt,
        reference: null,
      },
      {
        incidentId,
        recipient: 'authority',
        notifiedAt: clock.now().toISOString(),
        reference: 'MSA-2026/0042',
      },
    ]);
  });

  it('lists the latest detected incident first', async () => {
    const now = clock.now().getTime();
    const older = await record(anIncident({ detectedAt: new Date(now - 30 * DAY).toISOString() }));
    const newer = await record(
      anIncident({ severity: 'near_miss', detectedAt: new Date(now).toISOString() }),
    );
    const ids = (await list()).map((item) => item.incidentId);
    expect(ids[0]).toBe(newer.body.incidentId);
    expect(ids.at(-1)).toBe(older.body.incidentId);
  });

  it('answers 404 to a notification of an incident never recorded, and records nothing', async () => {
    const before = await incidentEvents();
    const res = await notify(MISSING_ID, { recipient: 'authority', notifiedAt: clock.now().toISOString() });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toBe(`incident ${MISSING_ID} was not found`);
    expect(await incidentEvents()).toEqual(before);
  });

  it.each<Role>(['counselor', 'job_seeker', 'integration'])('refuses the %s role with 403', async (role) => {
    const token = await t.tokenFor(role, `${role}-9`);
    const created = await record(anIncident());
    const before = await incidentEvents();
    const answers = [
      await record(anIncident(), token),
      await notify(
        created.body.incidentId,
        { recipient: 'provider', notifiedAt: clock.now().toISOString() },
        token,
      ),
      await t.http.get('/v1/audit/incidents').auth(token, { type: 'bearer' }).set('X-Audit-Purpose', PURPOSE),
    ];
    expect(answers.map((res) => res.status)).toEqual([403, 403, 403]);
    expect(await incidentEvents()).toEqual(before);
  });

  it('refuses an unregistered model or an unknown set with 422, and records nothing', async () => {
    const before = await incidentEvents();
    const model = await record(anIncident({ modelId: 'aiguillage-ebm-9.9.9' }));
    expect(model.status).toBe(422);
    expect(model.body).toMatchObject({
      field: 'modelId',
      detail: expect.stringMatching(/aiguillage-ebm-9\.9\.9/),
    });
    const sets = await record(anIncident({ setIds: [setId, MISSING_ID] }));
    expect(sets.status).toBe(422);
    expect(sets.body).toMatchObject({ field: 'setIds', unknownSetIds: [MISSING_ID] });
    expect(await incidentEvents()).toEqual(before);
  });

  it('refuses a detection in the future, and a notification before the detection, with 422', async () => {
    const future = await record(
      anIncident({ detectedAt: new Date(clock.now().getTime() + 60_000).toISOString() }),
    );
    expect(future.status).toBe(422);
    expect(future.body.field).toBe('detectedAt');
    const created = await record(anIncident());
    const early = await notify(created.body.incidentId, {
      recipient: 'provider',
      notifiedAt: new Date(clock.now().getTime() - 2 * DAY).toISOString(),
    });
    expect(early.status).toBe(422);
    expect(early.body.field).toBe('notifiedAt');
  });

  it('refuses a detection whose offset moves it before the year 0000 in UTC with 422, and records nothing', async () => {
    const before = await incidentEvents();
    const res = await record(anIncident({ detectedAt: '0000-01-01T00:00:00+01:00' }));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      field: 'detectedAt',
      detail: 'detectedAt falls outside the years 0000 to 9999 once moved to UTC',
    });
    expect(await incidentEvents()).toEqual(before);
  });

  it("refuses a detection before the decision log's first event with 422 naming the field and the bound, and takes one at it", async () => {
    const first = await t.container.db('decision_events').orderBy('seq').first('occurred_at');
    const logBegan = new Date(String(first.occurred_at)).toISOString();
    expect(Date.parse(logBegan)).toBeLessThanOrEqual(clock.now().getTime() - LOG_AGE);
    const before = await incidentEvents();
    const justBefore = new Date(Date.parse(logBegan) - 1).toISOString();
    for (const detectedAt of [justBefore, '0000-01-01T00:00:00Z', '2006-10-01T08:00:00Z']) {
      const res = await record(anIncident({ detectedAt }));
      expect(res.status, detectedAt).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        type: 'https://aiguillage.example/problems/invalid-input',
        field: 'detectedAt',
        earliest: logBegan,
        detail: `detectedAt (${new Date(detectedAt).toISOString()}) is before the decision log's first event (${logBegan}): nothing of this application existed then, so no incident of it can have been detected; check the date`,
      });
    }
    expect(await incidentEvents()).toEqual(before);

    const atStart = await record(anIncident({ detectedAt: logBegan }));
    expect(atStart.status, JSON.stringify(atStart.body)).toBe(201);
    expect(atStart.body).toMatchObject({ detectedAt: logBegan });
  });

  it('warns about sensitive terms: refused with the warnings until confirmed, then recorded with them', async () => {
    const summary = 'Courses for people with a disability ranked last, whatever their project';
    const before = await incidentEvents();
    const refused = await record(anIncident({ summary, measures: 'Complaint from a RQTH association' }));
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      type: 'https://aiguillage.example/problems/sensitive-terms',
      warnings: [
        { code: 'sensitive_term', field: 'summary', terms: ['disability'] },
        { code: 'sensitive_term', field: 'measures', terms: ['rqth'] },
      ],
    });
    expect(await incidentEvents()).toEqual(before);

    const confirmed = await record(anIncident({ summary, acknowledgeSensitiveTerms: true }));
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(201);
    expect(confirmed.body).toMatchObject({
      summary,
      sensitiveTermsAcknowledged: true,
      warnings: [{ code: 'sensitive_term', field: 'summary', terms: ['disability'] }],
    });
    const [event] = (await incidentEvents()).slice(before.length);
    expect(event?.payload).toMatchObject({ summary, sensitiveTermsAcknowledged: true });
  });

  it("refuses a summary or a reference holding a job seeker's id, confirmed or not, and logs the refusal under its writer", async () => {
    const { result: summary, appended } = await trackAppended(t, () =>
      record(
        anIncident({ summary: 'Wrong course published to js-1 by mistake', acknowledgeSensitiveTerms: true }),
        auditor,
      ),
    );
    expect(summary.status).toBe(422);
    expect(summary.body).toMatchObject({
      field: 'summary',
      detail: expect.stringMatching(PERSON_ID_REFUSAL),
    });
    expect(appended).toEqual([
      aLoggedTextRefusal(t, { role: 'auditor', id: 'dpo-1' }, 'recordIncident', { field: 'summary' }),
    ]);
    const created = await record(anIncident());
    const { result: reference, appended: afterReference } = await trackAppended(t, () =>
      notify(created.body.incidentId, {
        recipient: 'authority',
        notifiedAt: clock.now().toISOString(),
        reference: 'file-js-1',
      }),
    );
    expect(reference.status).toBe(422);
    expect(reference.body).toMatchObject({
      field: 'reference',
      detail: expect.stringMatching(PERSON_ID_REFUSAL),
    });
    expect(afterReference).toEqual([
      aLoggedTextRefusal(t, { role: 'admin', id: 'ops-1' }, 'recordIncidentNotification', {
        field: 'reference',
      }),
    ]);
    expect(JSON.stringify([...appended, ...afterReference])).not.toMatch(/js-1|Wrong course/);
  });

  it('answers 422, never 500, to a summary of more id-like pieces than are searched, and finds a job seeker’s id at the end of a long one', async () => {
    const before = await incidentEvents();
    for (const field of ['summary', 'measures']) {
      const res = await record(anIncident({ [field]: anIdLikeText(2000) }));
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body).toMatchObject({
        field,
        detail: expect.stringMatching(
          /more than 10,000 pieces that could be ids: describe the incident in words/,
        ),
      });
    }
    const timestamps = aListOfTimestamps(75);
    const named = await record(anIncident({ summary: `Published at ${timestamps}, last js-1` }));
    expect(named.status, JSON.stringify(named.body)).toBe(422);
    expect(named.body).toMatchObject({ field: 'summary', detail: expect.stringMatching(PERSON_ID_REFUSAL) });
    expect(await incidentEvents()).toEqual(before);

    const plain = await record(anIncident({ summary: `Published at ${timestamps}, all since retracted` }));
    expect(plain.status, JSON.stringify(plain.body)).toBe(201);
  });

  it('refuses a summary or measures naming a counselor, an auditor or an admin who acted in the log, and says to refer to the set or the role', async () => {
    await list(auditor);
    await record(anIncident());
    const before = await incidentEvents();
    for (const [field, text] of [
      ['summary', 'c-001 approved without reading the explanations'],
      ['summary', 'Found by dpo-1 in the quarterly review'],
      ['measures', 'Kill switch thrown by ops-1'],
    ] as const) {
      const res = await record(anIncident({ [field]: text }));
      expect(res.status, text).toBe(422);
      expect(res.body).toMatchObject({
        field,
        detail: expect.stringMatching(PERSON_ID_REFUSAL),
      });
    }
    expect(await incidentEvents()).toEqual(before);

    // A service account and someone who never acted are no one the log names by pseudonym.
    const service = await record(
      anIncident({ summary: 'The svc-crm sync sent stale profiles; c-404 reported it' }),
    );
    expect(service.status, JSON.stringify(service.body)).toBe(201);
  });

  it("accepts a detection or a notification ahead of the server's clock within the clock tolerance, and refuses one beyond it with 422", async () => {
    const toleranceMs = t.config.auth.clockToleranceSeconds * 1000;
    expect(toleranceMs).toBeGreaterThan(0);
    const ahead = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();

    const within = await record(anIncident({ detectedAt: ahead(toleranceMs) }));
    expect(within.status, JSON.stringify(within.body)).toBe(201);
    expect(within.body).toMatchObject({ detectedAt: ahead(toleranceMs), daysSinceDetection: 0 });
    const notifiedWithin = await notify(within.body.incidentId, {
      recipient: 'provider',
      notifiedAt: ahead(toleranceMs),
    });
    expect(notifiedWithin.status, JSON.stringify(notifiedWithin.body)).toBe(201);

    const before = await incidentEvents();
    const beyond = await record(anIncident({ detectedAt: ahead(toleranceMs + 1) }));
    expect(beyond.status).toBe(422);
    expect(beyond.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(beyond.body).toMatchObject({
      field: 'detectedAt',
      detail: `detectedAt (${ahead(toleranceMs + 1)}) is in the future: it is more than ${toleranceMs / 1000} seconds ahead of the server's clock (${clock.now().toISOString()})`,
    });
    const notifiedBeyond = await notify(within.body.incidentId, {
      recipient: 'authority',
      notifiedAt: ahead(toleranceMs + 1),
    });
    expect(notifiedBeyond.status).toBe(422);
    expect(notifiedBeyond.body.field).toBe('notifiedAt');
    expect(await incidentEvents()).toEqual(before);
  });

  describe('Idempotency-Key', () => {
    it('replays the first answer to a retried recording with the same key and body, recording one incident', async () => {
      const key = newIdempotencyKey();
      const body = anIncident({ setIds: [setId], measures: 'Sets retracted' });
      const before = await incidentEvents();
      const first = await record(body, admin, key);
      clock.advance(DAY);
      const retried = await record(body, admin, key);
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(retried.status).toBe(201);
      expect(retried.body).toEqual(first.body);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(retried.headers['idempotent-replayed']).toBe('true');
      expect((await incidentEvents()).slice(before.length).map((e) => e.type)).toEqual(['incident.recorded']);
    });

    it('replays the first answer to a retried notification, recording one report, even after later ones', async () => {
      const { incidentId } = (await record(anIncident())).body as IncidentBody;
      const key = newIdempotencyKey();
      const body = { recipient: 'authority', notifiedAt: clock.now().toISOString(), reference: 'MSA-7' };
      const first = await notify(incidentId, body, admin, key);
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(
        (await notify(incidentId, { recipient: 'provider', notifiedAt: clock.now().toISOString() })).status,
      ).toBe(201);
      const retried = await notify(incidentId, body, admin, key);
      expect(retried.status).toBe(201);
      expect(retried.headers['idempotent-replayed']).toBe('true');
      expect(retried.body).toEqual(first.body);
      expect((retried.body as IncidentBody).notifications.map((n) => n.recipient)).toEqual(['authority']);
      const notified = (await incidentEvents()).filter(
        (e) => e.type === 'incident.notified' && e.payload.incidentId === incidentId,
      );
      expect(notified.map((e) => e.payload.recipient)).toEqual(['authority', 'provider']);
    });

    it('refuses the same key with another body, or for another incident, with 422 idempotency-key-reused, recording nothing', async () => {
      const key = newIdempotencyKey();
      const first = await record(anIncident(), admin, key);
      expect(first.status).toBe(201);
      const other = await notify(first.body.incidentId, {
        recipient: 'provider',
        notifiedAt: clock.now().toISOString(),
      });
      expect(other.status).toBe(201);
      const notificationKey = newIdempotencyKey();
      const notification = { recipient: 'authority', notifiedAt: clock.now().toISOString() };
      expect((await notify(first.body.incidentId, notification, admin, notificationKey)).status).toBe(201);

      const before = await incidentEvents();
      const answers = [
        await record(anIncident({ severity: 'serious' }), admin, key),
        await notify(
          first.body.incidentId,
          { recipient: 'authority', notifiedAt: clock.now().toISOString() },
          admin,
          key,
        ),
        await notify(first.body.incidentId, { ...notification, reference: 'MSA-8' }, admin, notificationKey),
        await record(anIncident(), admin, notificationKey),
      ];
      for (const res of answers) {
        expect(res.status, JSON.stringify(res.body)).toBe(422);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({
          type: 'https://aiguillage.example/problems/idempotency-key-reused',
          idempotencyKey: expect.any(String),
        });
      }
      expect(await incidentEvents()).toEqual(before);
    });

    it('keeps no answer for a refused recording: the same key with the confirmed text records it', async () => {
      const key = newIdempotencyKey();
      const summary = 'Courses for people with a disability ranked last';
      const refused = await record(anIncident({ summary }), admin, key);
      expect(refused.status).toBe(422);
      const confirmed = await record(anIncident({ summary, acknowledgeSensitiveTerms: true }), admin, key);
      expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(201);
      expect(confirmed.headers['idempotent-replayed']).toBeUndefined();
      const retried = await record(anIncident({ summary, acknowledgeSensitiveTerms: true }), admin, key);
      expect(retried.headers['idempotent-replayed']).toBe('true');
      expect(retried.body).toEqual(confirmed.body);
    });

    it('treats keys as per caller', async () => {
      const key = newIdempotencyKey();
      const mine = await record(anIncident(), admin, key);
      const theirs = await record(anIncident(), auditor, key);
      expect([mine.status, theirs.status]).toEqual([201, 201]);
      expect(theirs.body.incidentId).not.toBe(mine.body.incidentId);
      expect(theirs.headers['idempotent-replayed']).toBeUndefined();
      const theirRetry = await record(anIncident(), auditor, key);
      expect(theirRetry.headers['idempotent-replayed']).toBe('true');
      expect(theirRetry.body.incidentId).toBe(theirs.body.incidentId);
    });

    it('records one incident, and one notification, when the same key is sent several times at once', async () => {
      const before = await incidentEvents();
      const key = newIdempotencyKey();
      const body = anIncident({ severity: 'near_miss' });
      const recorded = await Promise.all([1, 2, 3].map(() => record(body, admin, key)));
      expect(recorded.map((res) => res.status)).toEqual([201, 201, 201]);
      expect(new Set(recorded.map((res) => res.body.incidentId)).size).toBe(1);
      expect(recorded.filter((res) => res.headers['idempotent-replayed'] === 'true')).toHaveLength(2);

      const notificationKey = newIdempotencyKey();
      const notification = { recipient: 'provider', notifiedAt: clock.now().toISOString() };
      const incidentId = String(recorded[0]?.body.incidentId);
      const notified = await Promise.all(
        [1, 2, 3].map(() => notify(incidentId, notification, auditor, notificationKey)),
      );
      expect(notified.map((res) => res.status)).toEqual([201, 201, 201]);
      expect(notified.map((res) => res.body)).toEqual([
        notified[0]?.body,
        notified[0]?.body,
        notified[0]?.body,
      ]);
      expect((await incidentEvents()).slice(before.length).map((e) => e.type)).toEqual([
        'incident.recorded',
        'incident.notified',
      ]);
    });

    it('refuses a recording or a notification without Idempotency-Key with 400, recording nothing', async () => {
      const { incidentId } = (await record(anIncident())).body as IncidentBody;
      const before = await incidentEvents();
      const answers = [
        await t.http.post('/v1/audit/incidents').auth(admin, { type: 'bearer' }).send(anIncident()),
        await t.http
          .post(`/v1/audit/incidents/${incidentId}/notifications`)
          .auth(admin, { type: 'bearer' })
          .send({ recipient: 'provider', notifiedAt: clock.now().toISOString() }),
      ];
      for (const res of answers) {
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([
          { path: '/headers/idempotency-key', message: 'the Idempotency-Key header is required' },
        ]);
      }
      expect(await incidentEvents()).toEqual(before);
    });
  });

  describe('paging', () => {
    it('pages through every incident with limit and cursor, the latest detected first, each once', async () => {
      const now = clock.now().getTime();
      for (const daysAgo of [3, 1, 2, 1, 5]) {
        const res = await record(anIncident({ detectedAt: new Date(now - daysAgo * DAY).toISOString() }));
        expect(res.status).toBe(201);
      }
      const all = (await list()).map((incident) => incident.incidentId);
      expect(all.length).toBeGreaterThan(5);

      const paged: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await listPage({ limit: 2, ...(cursor === undefined ? {} : { cursor }) });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        paged.push(...res.body.items.map((incident: IncidentBody) => incident.incidentId));
        cursor = res.body.nextCursor ?? undefined;
        pages += 1;
      } while (cursor !== undefined);
      expect(pages).toBeGreaterThan(2);
      expect(paged).toEqual(all);
    });

    it('answers items and nextCursor, as the other audit lists do, the cursor null on the last page', async () => {
      const items = await list();
      expect(items.length).toBeGreaterThan(1);
      const first = await listPage({ limit: 1 });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ items: items.slice(0, 1), nextCursor: expect.any(String) });
      const withoutLimit = await listPage();
      expect(withoutLimit.body).toEqual({ items, nextCursor: null });
    });

    it('refuses a cursor given by another list, or not given by the API, with 400 naming /query/cursor', async () => {
      const events = await t.http
        .get('/v1/audit/events')
        .query({ limit: 1 })
        .auth(auditor, { type: 'bearer' })
        .set('X-Audit-Purpose', PURPOSE);
      expect(events.body.nextCursor).toEqual(expect.any(String));
      // A position of the incidents' own shape, bound to another list.
      const [incident] = await list();
      const otherList = new PageCursor('audit-checkpoints', (value) => value as JsonValue).encode(
        [String(incident?.detectedAt), 1],
        {},
      );
      for (const cursor of [String(events.body.nextCursor), otherList, 'bm90LWEtY3Vyc29y']) {
        const res = await listPage({ cursor });
        expect(res.status, cursor).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.errors).toEqual([{ path: '/query/cursor', message: expect.any(String) }]);
      }
    });
  });

  it('logs the listing as audit.queried, in the role the caller acted in', async () => {
    const listed = await list(admin);
    const [query] = await t.container
      .db('decision_events')
      .where({ type: 'audit.queried' })
      .orderBy('seq', 'desc')
      .limit(1)
      .select('actor_role', 'payload');
    expect(query.actor_role).toBe('admin');
    expect(JSON.parse(query.payload)).toMatchObject({
      operation: 'listIncidents',
      purpose: PURPOSE,
      resultCount: listed.length,
    });
  });

  it('leaves the chain verifying, incidents and notifications included', async () => {
    expect((await incidentEvents()).length).toBeGreaterThan(5);
    const res = await t.http
      .get('/v1/audit/verify')
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', PURPOSE);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, firstBadSeq: null });
  });
});
