import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CapturedLogs, captureLogs } from '../support/captured-logs.ts';
import { scrapeMetrics } from '../support/metrics.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  act,
  aWorkflowSeeker,
  createSet,
  decideEach,
  eraseJobSeeker,
  newIdempotencyKey,
  putSettings,
  readSet,
  requestSet,
  seedCatalog,
  syncSeeker,
} from '../support/workflow.ts';

const SEEKER = 'js-okapizebra-4417';
const COUNSELOR = 'c-kestrelops-93';
const ADMIN = 'adm-lemurops-5';
const AUDITOR = 'aud-ibexops-8';
const WORDS = {
  approval: 'quetzalapprouve',
  rejection: 'marmeladerejet',
  message: 'zeppelinmessage',
  feedback: 'xylophoneavis',
  contest: 'jabberwockconteste',
  reply: 'wombatreponse',
  objection: 'narvalobjection',
  purpose: 'periwinkle review of the week',
  ghost: 'js-ghostokapi-1',
};

/**
 * The operator reads the logs and scrapes `/metrics`; neither may tell who was served or what they
 * wrote (the DPA's reading: the logs are kept apart from the person's file and outlive its erasure).
 * The whole loop runs once with the application's logger captured, refusals included.
 */
describe('what the operator sees of a person served from start to erasure', () => {
  let t: TestApp;
  let logs: CapturedLogs;
  const tokens: string[] = [];

  beforeAll(async () => {
    logs = captureLogs();
    t = await startTestApp({ logger: logs.logger });
    await seedCatalog(t);
    await syncSeeker(t, SEEKER, aWorkflowSeeker({ counselorId: COUNSELOR }));
    const counselor = await t.tokenFor('counselor', COUNSELOR);
    const seeker = await t.tokenFor('job_seeker', SEEKER);
    const admin = await t.tokenFor('admin', ADMIN);
    const auditor = await t.tokenFor('auditor', AUDITOR);
    tokens.push(counselor, seeker, admin, auditor);

    const { set } = await createSet(t, counselor, SEEKER);
    const { etag } = await readSet(t, counselor, set.id);
    const [first, ...rest] = set.items;
    if (first === undefined) throw new Error('the set has no item');
    const decided = await decideEach(t, counselor, set.id, etag, [
      [first.itemId, { decision: 'approve', comment: `accord ${WORDS.approval}` }],
      ...rest.map(
        (item) =>
          [
            item.itemId,
            { decision: 'reject', reasonCode: 'not_matching_project', comment: `non ${WORDS.rejection}` },
          ] as const,
      ),
    ]);
    const published = await act(t, counselor, set.id, 'publish', decided.etag, {
      message: `Bonjour ${WORDS.message}`,
    });
    expect(published.status).toBe(200);

    const feedback = (response: string, comment: string) =>
      t.http
        .post(`/v1/me/recommendations/${first.itemId}/feedback`)
        .auth(seeker, { type: 'bearer' })
        .send({ response, comment });
    expect((await feedback('interested', `oui ${WORDS.feedback}`)).status).toBe(201);
    expect((await feedback('contest', `pourquoi ${WORDS.contest}`)).status).toBe(201);
    const reply = await t.http
      .post(`/v1/recommendations/${set.id}/items/${first.itemId}/contest-reply`)
      .auth(counselor, { type: 'bearer' })
      .send({ message: `Voici ${WORDS.reply}` });
    expect(reply.status).toBe(201);

    // Refusals: 400 (a body the contract refuses), 404 (nobody by that id), 409 (the kill switch),
    // 422 (an Idempotency-Key reused for another body).
    const invalid = await t.http
      .put(`/v1/job-seekers/${SEEKER}`)
      .auth(await t.tokenFor('integration', 'svc-crm'), { type: 'bearer' })
      .send({ counselorId: COUNSELOR, oops: SEEKER });
    expect(invalid.status).toBe(400);
    expect(
      (await t.http.get(`/v1/job-seekers/${WORDS.ghost}`).auth(counselor, { type: 'bearer' })).status,
    ).toBe(404);
    const key = newIdempotencyKey();
    expect((await requestSet(t, counselor, SEEKER, { idempotencyKey: key, limit: 3 })).status).toBe(201);
    expect((await requestSet(t, counselor, SEEKER, { idempotencyKey: key, limit: 4 })).status).toBe(422);
    await putSettings(t, { aiEnabled: false });
    expect((await requestSet(t, counselor, SEEKER)).status).toBe(409);
    await putSettings(t, { aiEnabled: true });

    const objection = await t.http
      .post('/v1/me/objection')
      .auth(seeker, { type: 'bearer' })
      .send({ comment: `je refuse ${WORDS.objection}` });
    expect(objection.status).toBe(200);
    const audit = await t.http
      .get('/v1/audit/events')
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', WORDS.purpose);
    expect(audit.status).toBe(200);
    expect((await eraseJobSeeker(t, admin, SEEKER)).status).toBe(204);
  });

  afterAll(async () => {
    await t.close();
  });

  const secrets = () => [SEEKER, COUNSELOR, ADMIN, AUDITOR, ...Object.values(WORDS), ...tokens, 'Bearer '];

  it('logs every request, and no line names a person served or staff, nor holds what they wrote or a token', () => {
    expect(logs.find('info', /^request completed$/).length).toBeGreaterThan(20);
    const text = logs.lines.map((line) => JSON.stringify(line)).join('\n');
    for (const secret of secrets()) expect(text, secret).not.toContain(secret);
  });

  it('serves metrics that name no person and hold nothing they wrote', async () => {
    const metrics = await scrapeMetrics(t);
    for (const secret of secrets()) expect(metrics, secret).not.toContain(secret);
  });
});
