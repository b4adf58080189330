import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/auth/principal.ts';
import { listDocumentedOperations } from '../support/openapi-operations.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

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
