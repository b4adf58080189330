import type TestAgent from 'supertest/lib/agent.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/auth/principal.ts';
import { listDocumentedOperations } from '../support/openapi-operations.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { aWorkflowSeeker, newIdempotencyKey } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/** Who may call what: the product's statement, checked against the contract and the server. */
const ALLOWED: Record<string, Role[]> = {
  putJobSeeker: ['integration', 'admin'],
  putCourseOutcome: ['integration'],
  getJobSeeker: ['counselor'],
  listCourses: ['counselor', 'admin'],
  getCourse: ['counselor', 'admin'],
  putCourse: ['admin'],
  importCourses: ['admin'],
  eraseJobSeeker: ['admin'],
  getAccessRecord: ['admin'],
  recordObjectionForJobSeeker: ['counselor'],
  createRecommendations: ['counselor'],
  createManualRecommendations: ['counselor'],
  listRecommendations: ['counselor'],
  getRecommendationSet: ['counselor'],
  listSetFeedback: ['counselor'],
  decideRecommendationItem: ['counselor'],
  addRecommendationItem: ['counselor'],
  orderRecommendationItems: ['counselor'],
  submitShortlist: ['counselor'],
  publishRecommendationSet: ['counselor'],
  secondReviewRecommendationSet: ['counselor'],
  discardRecommendationSet: ['counselor'],
  retractRecommendationSet: ['counselor'],
  replyToContest: ['counselor'],
  listReasonCodes: ['counselor', 'auditor', 'admin'],
  listOccupationLabels: ['counselor', 'auditor', 'admin'],
  replaceOccupationLabels: ['admin'],
  getSettings: ['admin'],
  putSettings: ['admin'],
  listMyRecommendations: ['job_seeker'],
  getMyExplanation: ['job_seeker'],
  giveFeedback: ['job_seeker'],
  objectToAiProcessing: ['job_seeker'],
  withdrawObjection: ['job_seeker'],
  exportMyData: ['job_seeker'],
  listModels: ['admin', 'auditor'],
  registerModel: ['admin'],
  activateModel: ['admin'],
  recallModel: ['admin'],
  getModelCard: ['admin', 'auditor', 'counselor'],
  listAuditEvents: ['auditor'],
  exportAuditEvents: ['auditor'],
  verifyAuditLog: ['auditor'],
  listAuditCheckpoints: ['auditor'],
  getAuditPublicKey: ['auditor'],
  getOversightStats: ['auditor'],
  getOwnOversightStats: ['counselor'],
  getUsageStats: ['auditor'],
  getAttributionStats: ['auditor'],
  getDriftStats: ['auditor'],
  getOutcomeStats: ['auditor'],
  listIncidents: ['admin', 'auditor'],
  recordIncident: ['admin', 'auditor'],
  recordIncidentNotification: ['admin', 'auditor'],
};

const securedOperations = listDocumentedOperations().filter((op) => op.roles !== undefined);
const operations = securedOperations.filter((op) => op.operationId in ALLOWED);

describe('authorization by role', () => {
  let t: TestApp;
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    t = await startTestApp();
    for (const role of ROLES) tokens.set(role, await t.tokenFor(role, `${role}-1`));
  });
  afterAll(() => t.close());

  it('has a row for every secured operation of the contract', () => {
    expect(securedOperations.map((op) => op.operationId).sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it('documents exactly the roles of the matrix for each operation', () => {
    const documented = Object.fromEntries(
      operations.map((op) => [op.operationId, [...(op.roles ?? [])].sort()]),
    );
    const expected = Object.fromEntries(
      Object.entries(ALLOWED).map(([id, roles]) => [id, [...roles].sort()]),
    );
    expect(documented).toEqual(expected);
  });

  const cells = operations.flatMap((op) =>
    ROLES.map(
      (role) => [op.operationId, role, ALLOWED[op.operationId]?.includes(role) ?? false, op] as const,
    ),
  );
  it.each(cells)('%s as %s: allowed=%s', async (_id, role, allowed, op) => {
    const res = await t.http[op.method](op.samplePath)
      .auth(tokens.get(role) ?? '', { type: 'bearer' })
      .set('Content-Type', 'application/json')
      .set('X-Audit-Purpose', 'role matrix check')
      .send(op.method === 'get' ? undefined : '{}');
    if (allowed) {
      expect([401, 403]).not.toContain(res.status);
    } else {
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});

/** What a well-formed call needs that the app holds: a course, a model and an incident. */
interface Held {
  courseId: string;
  modelId: string;
  incidentId: string;
  now: () => Date;
}

type Call = (http: TestAgent, held: Held) => ReturnType<TestAgent['get']>;

/** An incident detected an hour ago. */
const anIncident = (now: () => Date) => ({
  summary: 'Suggestions published for courses whose sessions had been cancelled',
  severity: 'malfunction',
  detectedAt: new Date(now().getTime() - 3_600_000).toISOString(),
});

/**
 * A well-formed call of each operation several roles share, so that every role it allows reaches the
 * service that answers it: the sample path of the walk above stops at the validator or at a missing
 * resource, before any rule of the service that might know only one of the roles.
 */
const WELL_FORMED: Record<string, Call> = {
  putJobSeeker: (http) => http.put('/v1/job-seekers/js-shared').send(aWorkflowSeeker()),
  listCourses: (http) => http.get('/v1/courses'),
  getCourse: (http, held) => http.get(`/v1/courses/${held.courseId}`),
  listReasonCodes: (http) => http.get('/v1/reason-codes'),
  listOccupationLabels: (http) => http.get('/v1/occupations'),
  listModels: (http) => http.get('/v1/models'),
  getModelCard: (http, held) => http.get(`/v1/models/${held.modelId}/card`),
  listIncidents: (http) => http.get('/v1/audit/incidents'),
  recordIncident: (http, held) =>
    http.post('/v1/audit/incidents').set('Idempotency-Key', newIdempotencyKey()).send(anIncident(held.now)),
  recordIncidentNotification: (http, held) =>
    http
      .post(`/v1/audit/incidents/${held.incidentId}/notifications`)
      .set('Idempotency-Key', newIdempotencyKey())
      .send({ recipient: 'provider', notifiedAt: held.now().toISOString() }),
};

const shared = Object.entries(ALLOWED).filter(([, roles]) => roles.length > 1);

describe('authorization of every role an operation shares', () => {
  let t: TestApp;
  let held: Held;
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    const app = await startWorkflowApp();
    t = app.t;
    for (const role of ROLES) tokens.set(role, await t.tokenFor(role, `${role}-1`));
    const admin = tokens.get('admin') ?? '';
    // The incidents are detected after the log's first event, as any must be.
    app.clock.advance(86_400_000);
    const models = await t.http.get('/v1/models').auth(admin, { type: 'bearer' }).expect(200);
    const incident = await t.http
      .post('/v1/audit/incidents')
      .auth(admin, { type: 'bearer' })
      .set('Idempotency-Key', newIdempotencyKey())
      .send(anIncident(app.clock.now))
      .expect(201);
    held = {
      courseId: 'LYON-AS-1', // of the workflow catalog
      modelId: models.body.items[0].id,
      incidentId: incident.body.incidentId,
      now: app.clock.now,
    };
  });
  afterAll(() => t.close());

  it('has a well-formed call for every operation several roles share', () => {
    expect(Object.keys(WELL_FORMED).sort()).toEqual(shared.map(([id]) => id).sort());
  });

  const cells = shared.flatMap(([id, roles]) => roles.map((role) => [id, role, WELL_FORMED[id]] as const));
  it.each(cells)('%s serves %s', async (id, role, call) => {
    if (call === undefined) throw new Error(`no well-formed call of ${id}`);
    const res = await call(t.http, held)
      .auth(tokens.get(role) ?? '', { type: 'bearer' })
      .set('X-Audit-Purpose', 'role matrix check');
    expect(res.status, res.text).toBeGreaterThanOrEqual(200);
    expect(res.status, res.text).toBeLessThan(300);
  });
});
