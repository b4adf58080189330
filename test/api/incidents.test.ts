import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/principal.ts';
import { aListOfTimestamps, anIdLikeText } from '../support/id-like-text.ts';
import type { TestApp } from '../support/test-app.ts';
import { createSet, type TestClock } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

const DAY = 86_400_000;
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
  });
  afterAll(() => t.close());

  const anIncident = (overrides: Record<string, unknown> = {}) => ({
    summary: 'Suggestions published for courses whose sessions had been cancelled',
    severity: 'malfunction',
    detectedAt: new Date(clock.now().getTime() - DAY).toISOString(),
    ...overrides,
  });
  const record = (body: Record<string, unknown>, token = admin) =>
    t.http.post('/v1/audit/incidents').auth(token, { type: 'bearer' }).send(body);
  const notify = (incidentId: string, body: Record<string, unknown>, token = admin) =>
    t.http.post(`/v1/audit/incidents/${incidentId}/notifications`).auth(token, { type: 'bearer' }).send(body);
  const list = async (token = auditor): Promise<IncidentBody[]> => {
    const res = await t.http
      .get('/v1/audit/incidents')
      .auth(token, { type: 'bearer' })
      .set('X-Audit-Purpose', PURPOSE);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
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

  it("refuses a summary or a reference holding a job seeker's id, confirmed or not", async () => {
    const summary = await record(
      anIncident({ summary: 'Wrong course published to js-1 by mistake', acknowledgeSensitiveTerms: true }),
    );
    expect(summary.status).toBe(422);
    expect(summary.body).toMatchObject({
      field: 'summary',
      detail: expect.stringMatching(/job seeker’s id/),
    });
    const created = await record(anIncident());
    const reference = await notify(created.body.incidentId, {
      recipient: 'authority',
      notifiedAt: clock.now().toISOString(),
      reference: 'file-js-1',
    });
    expect(reference.status).toBe(422);
    expect(reference.body.field).toBe('reference');
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
    expect(named.body).toMatchObject({ field: 'summary', detail: expect.stringMatching(/job seeker’s id/) });
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
        detail: expect.stringMatching(
          /without the id of a counselor, an auditor or an admin .*refer to the set, or to the role \(“the counselor”\), not to the person/,
        ),
      });
    }
    expect(await incidentEvents()).toEqual(before);

    // A service account and someone who never acted are no one the log names by pseudonym.
    const service = await record(
      anIncident({ summary: 'The svc-crm sync sent stale profiles; c-404 reported it' }),
    );
    expect(service.status, JSON.stringify(service.body)).toBe(201);
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
