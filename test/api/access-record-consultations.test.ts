import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  aClock,
  createAndPublish,
  newIdempotencyKey,
  requestAccessRecord,
  requestSet,
  seedCatalogAndSeeker,
  type TestClock,
} from '../support/workflow.ts';

const SEEKER = 'js-consulted';
const OTHER = 'js-other';
const PURPOSE = 'vérification après la réclamation reçue le 12 mars';
const ACTS_PURPOSE = 'relecture des retours de la personne';
const EXPORT_PURPOSE = 'copie pour le médiateur';
const SET_PURPOSE = 'reconstitution de la décision contestée';
const OTHER_SET_PURPOSE = "reconstitution d'une autre décision";
const OTHER_PURPOSE = "contrôle d'un autre dossier";
const WHOLE_LOG_PURPOSE = 'contrôle trimestriel';
const INCIDENT_SUMMARY = 'Suggestions published for courses whose sessions had been cancelled';

interface ConsultationsBody {
  logQueries: Array<{ seq: number; occurredAt: string; operation: string; purpose: string }>;
  incidents: Array<{
    incidentId: string;
    severity: string;
    summary: string;
    setIds: string[];
    notifications: Array<{ recipient: string; notifiedAt: string }>;
  }>;
}

/**
 * An auditor reads the decision log filtered on one person's pseudonym, with a purpose:
 * `audit.queried` records when, why and with which filter (the person's pseudonym). That event has
 * no subject, so it is not among the events about the person; the access record lists it apart, with
 * the incidents recorded about the person's sets: the person learns that, when and why their data was
 * consulted (GDPR Art. 15(1); CJEU C-579/21 Pankki S: the dates and purposes of consultations are part
 * of the access right; the consulting staff member's identity need not be given).
 */
describe('the access record and the consultations of the person’s data', () => {
  let t: TestApp;
  let admin: string;
  let setId: string;
  let otherSetId: string;
  let pseudonym: string;
  let consultations: ConsultationsBody;
  let record: Record<string, unknown>;

  const readLog = (filter: Record<string, string>, purpose: string, path = '/v1/audit/events') =>
    t.http.get(path).query(filter).auth(auditorToken, { type: 'bearer' }).set('X-Audit-Purpose', purpose);
  let auditorToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.tokenFor('admin', 'ops-1');
    auditorToken = await t.tokenFor('auditor', 'aud-1');
    const counselor = await t.tokenFor('counselor', 'c-001');
    await seedCatalogAndSeeker(t, SEEKER);
    await seedCatalogAndSeeker(t, OTHER);
    const set = await createAndPublish(t, counselor, SEEKER, { approve: 1 });
    setId = set.id;
    otherSetId = (await createAndPublish(t, counselor, OTHER, { approve: 1 })).id;
    const approved = set.items.find((item) => item.decision === 'approved');
    const feedback = await t.http
      .post(`/v1/me/recommendations/${approved?.itemId}/feedback`)
      .auth(await t.tokenFor('job_seeker', SEEKER), { type: 'bearer' })
      .send({ response: 'interested' });
    expect(feedback.status).toBe(201);
    pseudonym = t.container.decisionLog.pseudonymiser.pseudonymise(SEEKER);

    const read = await readLog({ subject: pseudonym }, PURPOSE);
    expect(read.status).toBe(200);
    expect(read.body.items.length).toBeGreaterThan(0);
    expect((await readLog({ actor: pseudonym, type: 'feedback.given' }, ACTS_PURPOSE)).status).toBe(200);
    expect((await readLog({ subject: pseudonym }, EXPORT_PURPOSE, '/v1/audit/events/export')).status).toBe(
      200,
    );
    expect((await readLog({ setId }, SET_PURPOSE)).status).toBe(200);
    expect((await readLog({ setId: otherSetId }, OTHER_SET_PURPOSE)).status).toBe(200);
    const otherPseudonym = t.container.decisionLog.pseudonymiser.pseudonymise(OTHER);
    expect((await readLog({ subject: otherPseudonym }, OTHER_PURPOSE)).status).toBe(200);
    expect((await readLog({}, WHOLE_LOG_PURPOSE)).status).toBe(200);

    const incident = (setIds: string[]) =>
      t.http
        .post('/v1/audit/incidents')
        .auth(admin, { type: 'bearer' })
        .set('Idempotency-Key', newIdempotencyKey())
        .send({
          summary: INCIDENT_SUMMARY,
          severity: 'malfunction',
          detectedAt: new Date().toISOString(),
          setIds,
        });
    const theirs = await incident([setId, otherSetId]);
    expect(theirs.status, JSON.stringify(theirs.body)).toBe(201);
    const notified = await t.http
      .post(`/v1/audit/incidents/${theirs.body.incidentId}/notifications`)
      .auth(admin, { type: 'bearer' })
      .set('Idempotency-Key', newIdempotencyKey())
      .send({ recipient: 'provider', notifiedAt: new Date().toISOString() });
    expect(notified.status, JSON.stringify(notified.body)).toBe(201);
    expect((await incident([otherSetId])).status).toBe(201);

    const res = await requestAccessRecord(t, admin, SEEKER, 'DSAR-2026-0901');
    expect(res.status).toBe(200);
    record = res.body;
    consultations = res.body.consultations;
  });
  afterAll(() => t.close());

  it('tells the person when, through which operation and why an auditor read the log naming them, or the trail of one of their sets, oldest first', () => {
    expect(consultations.logQueries).toEqual([
      {
        seq: expect.any(Number),
        occurredAt: expect.any(String),
        operation: 'listAuditEvents',
        purpose: PURPOSE,
      },
      {
        seq: expect.any(Number),
        occurredAt: expect.any(String),
        operation: 'listAuditEvents',
        purpose: ACTS_PURPOSE,
      },
      {
        seq: expect.any(Number),
        occurredAt: expect.any(String),
        operation: 'exportAuditEvents',
        purpose: EXPORT_PURPOSE,
      },
      {
        seq: expect.any(Number),
        occurredAt: expect.any(String),
        operation: 'listAuditEvents',
        purpose: SET_PURPOSE,
      },
    ]);
    const seqs = consultations.logQueries.map((query) => query.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('names no auditor, and leaves out the reads of other people, of their sets and of the whole log', () => {
    const text = JSON.stringify(consultations);
    const auditor = t.container.decisionLog.pseudonymiser.pseudonymise('aud-1');
    for (const left of [auditor, 'aud-1', OTHER_PURPOSE, OTHER_SET_PURPOSE, WHOLE_LOG_PURPOSE]) {
      expect(text).not.toContain(left);
    }
  });

  it('gives the incidents recorded about the person’s sets, naming their sets only, with who was informed', () => {
    expect(consultations.incidents).toEqual([
      expect.objectContaining({
        severity: 'malfunction',
        summary: INCIDENT_SUMMARY,
        setIds: [setId],
        notifications: [{ recipient: 'provider', notifiedAt: expect.any(String) }],
      }),
    ]);
    expect(JSON.stringify(consultations.incidents)).not.toContain(otherSetId);
  });

  it('keeps those reads out of the events about the person and out of the subject filter, and counts them in subject.access_exported', async () => {
    const events = record.events as Array<{ type: string }>;
    expect(events.map((event) => event.type)).not.toContain('audit.queried');
    const bySubject = await readLog({ subject: pseudonym, type: 'audit.queried' }, PURPOSE);
    expect(bySubject.body.items).toEqual([]);
    const [exported] = await t.container.decisionLog.decisionLog.listEvents({
      types: ['subject.access_exported'],
      subject: pseudonym,
    });
    expect(exported?.payload).toMatchObject({ given: { consultations: { logQueries: 4, incidents: 1 } } });
  });
});

/**
 * A read naming the person is no activity on their file: it has no subject, so that it does not keep
 * their log key past the log period (retention counts the events about them).
 */
describe('the consultations of a person nobody follows any more', () => {
  const QUIET = 'js-consulted-quietly';
  const DAY = 86_400_000;
  let t: TestApp;
  let clock: TestClock;

  beforeAll(async () => {
    clock = aClock();
    t = await startTestApp({
      now: clock.now,
      env: { RETENTION_LOG_DAYS: '184', RETENTION_PERSONAL_DAYS: '400' },
    });
    await seedCatalogAndSeeker(t, QUIET);
    expect((await requestSet(t, await t.tokenFor('counselor', 'c-001'), QUIET)).status).toBe(201);
  });
  afterAll(() => t.close());

  it('lists a read made late in the log period after the key was shredded at its end, which the read did not put off', async () => {
    clock.advance(100 * DAY);
    const read = await t.http
      .get('/v1/audit/events')
      .query({ subject: t.container.decisionLog.pseudonymiser.pseudonymise(QUIET) })
      .auth(await t.tokenFor('auditor', 'aud-1'), { type: 'bearer' })
      .set('X-Audit-Purpose', PURPOSE);
    expect(read.status).toBe(200);
    // Day 190: the last activity on the file is 190 days old, the read 90.
    clock.advance(90 * DAY);
    expect((await t.container.retention.purgeExpired()).purged.subjectKeys).toBe(1);
    const res = await requestAccessRecord(t, await t.tokenFor('admin', 'ops-1'), QUIET, 'DSAR-2026-0902');
    expect(res.status).toBe(200);
    expect((res.body.consultations as ConsultationsBody).logQueries.map((query) => query.purpose)).toEqual([
      PURPOSE,
    ]);
    const generated = (res.body.events as Array<{ type: string; personal: unknown }>).find(
      (event) => event.type === 'recommendation.generated',
    );
    expect(generated?.personal).toEqual({ status: 'shredded' });
  });
});
