import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedDecisionEvent } from '../../src/decision-log/decision-event.ts';
import { listDocumentedOperations } from '../support/openapi-operations.ts';
import type { TestApp } from '../support/test-app.ts';
import { createAndPublish, createSet } from '../support/workflow.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

/**
 * A client or a proxy checking a resource with HEAD gets what GET would answer, headers only: the
 * same status, authorization and ETag, and no body.
 */
describe('HEAD on the GET operations', () => {
  let t: TestApp;
  let counselor: string;
  let otherCounselor: string;
  let admin: string;

  beforeAll(async () => {
    ({ t, counselor, otherCounselor } = await startWorkflowApp());
    admin = await t.tokenFor('admin', 'ops-1');
  });
  afterAll(() => t.close());

  async function readLog(): Promise<RecordedDecisionEvent[]> {
    const events: RecordedDecisionEvent[] = [];
    for await (const event of t.container.decisionLog.decisionLog.streamEvents()) events.push(event);
    return events;
  }

  /** HEAD and GET of `path` with `token` (none when undefined), the HEAD first. */
  async function headThenGet(path: string, token?: string) {
    const head = t.http.head(path);
    const get = t.http.get(path);
    if (token !== undefined) {
      head.auth(token, { type: 'bearer' });
      get.auth(token, { type: 'bearer' });
    }
    const headRes = await head;
    return { head: headRes, get: await get };
  }

  function expectHeadersOnly(
    head: { status: number; text?: string; headers: Record<string, string> },
    get: typeof head,
  ) {
    expect(head.status).toBe(get.status);
    expect(head.text ?? '').toBe('');
    expect(head.headers['content-type']).toBe(get.headers['content-type']);
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
  }

  it('answers a public operation as its GET, without the body', async () => {
    const { head, get } = await headThenGet('/healthz');
    expect(head.status).toBe(200);
    expectHeadersOnly(head, get);
  });

  it("answers the person's file to their counselor as its GET, and 404 to another counselor", async () => {
    const { head, get } = await headThenGet('/v1/job-seekers/js-1', counselor);
    expect(head.status).toBe(200);
    expectHeadersOnly(head, get);
    const other = await headThenGet('/v1/job-seekers/js-1', otherCounselor);
    expect(other.head.status).toBe(404);
    expect(other.head.headers['content-type']).toBe(other.get.headers['content-type']);
  });

  it('answers 401 without a token and 403 to a role the GET refuses', async () => {
    const anonymous = await headThenGet('/v1/job-seekers/js-1');
    expect(anonymous.head.status).toBe(401);
    expectHeadersOnly(anonymous.head, anonymous.get);
    const auditor = await headThenGet('/v1/settings', await t.tokenFor('auditor', 'aud-1'));
    expect(auditor.head.status).toBe(403);
    expect(auditor.head.headers['content-type']).toBe(auditor.get.headers['content-type']);
  });

  it("gives the settings' ETag as their GET does", async () => {
    const { head, get } = await headThenGet('/v1/settings', admin);
    expect(head.status).toBe(200);
    expect(head.headers.etag).toBeDefined();
    expect(head.headers.etag).toBe(get.headers.etag);
  });

  it("gives a set's ETag without opening it: a HEAD is read by nobody", async () => {
    const { set, etag } = await createSet(t, counselor);
    const head = await t.http.head(`/v1/recommendations/${set.id}`).auth(counselor, { type: 'bearer' });
    expect(head.status).toBe(200);
    expect(head.headers.etag).toBe(etag);
    const opened = (await readLog()).filter(
      (event) =>
        event.type === 'recommendation.opened' && (event.payload as { setId?: string }).setId === set.id,
    );
    expect(opened).toEqual([]);
  });

  it("answers the person's explanation without logging it as read", async () => {
    await createAndPublish(t, counselor, 'js-1', { approve: 1 });
    const seeker = await t.tokenFor('job_seeker', 'js-1');
    const mine = await t.http.get('/v1/me/recommendations').auth(seeker, { type: 'bearer' });
    const [item] = mine.body.items as Array<{ itemId: string }>;
    const path = `/v1/me/recommendations/${item?.itemId}/explanation`;
    const head = await t.http.head(path).auth(seeker, { type: 'bearer' });
    expect(head.status).toBe(200);
    expect(head.text ?? '').toBe('');
    const read = (await readLog()).filter(
      (event) =>
        event.type === 'explanation.opened' && (event.payload as { itemId?: string }).itemId === item?.itemId,
    );
    expect(read).toEqual([]);
  });

  /** The auditor's HEAD or GET of `path`, with its purpose, and the `audit.queried` it left. */
  async function askAsAuditor(method: 'head' | 'get', path: string) {
    const res = await t.http[method](path)
      .auth(await t.tokenFor('auditor', 'aud-1'), { type: 'bearer' })
      .set('X-Audit-Purpose', 'contrôle du journal');
    const logged = (await t.container.decisionLog.decisionLog.listEvents({ types: ['audit.queried'] })).at(
      -1,
    );
    return { res, logged: logged?.payload };
  }

  it("logs a HEAD on the log's export as answered with headers only, the events not sent, and a GET as the export it is", async () => {
    const head = await askAsAuditor('head', '/v1/audit/events/export');
    expect(head.res.status).toBe(200);
    expect(head.res.text ?? '').toBe('');
    expect(head.logged).toEqual({
      operation: 'exportAuditEvents',
      purpose: 'contrôle du journal',
      filters: { format: 'ndjson', toSeq: Number(head.res.headers['x-audit-to-seq']) },
      resultCount: Number(head.res.headers['x-audit-event-count']),
      headersOnly: true,
    });
    const get = await askAsAuditor('get', '/v1/audit/events/export');
    expect(get.res.status).toBe(200);
    expect(get.res.text.trim().split('\n')).toHaveLength(Number(get.res.headers['x-audit-event-count']));
    expect(get.logged).toEqual({
      operation: 'exportAuditEvents',
      purpose: 'contrôle du journal',
      filters: { format: 'ndjson', toSeq: Number(get.res.headers['x-audit-to-seq']) },
      resultCount: Number(get.res.headers['x-audit-event-count']),
    });
  });

  it("logs a HEAD on the auditor's other reads as answered with headers only, and their GET as before", async () => {
    for (const path of ['/v1/audit/events', '/v1/audit/verify', '/v1/audit/stats/usage']) {
      const head = await askAsAuditor('head', path);
      expect(head.res.status, path).toBe(200);
      expect(head.logged, path).toMatchObject({ purpose: 'contrôle du journal', headersOnly: true });
      const get = await askAsAuditor('get', path);
      expect(get.res.status, path).toBe(200);
      expect(get.logged, path).not.toHaveProperty('headersOnly');
    }
  });

  it("names HEAD in a 405's Allow wherever GET is allowed, and only there", async () => {
    const methodsByPath = new Map<string, { samplePath: string; methods: Set<string> }>();
    // The contract itself is served apart from the validator, which answers the 405s.
    for (const op of listDocumentedOperations().filter(({ template }) => template !== '/openapi.json')) {
      const path = methodsByPath.get(op.template) ?? { samplePath: op.samplePath, methods: new Set() };
      path.methods.add(op.method.toUpperCase());
      methodsByPath.set(op.template, path);
    }
    for (const [template, { samplePath, methods }] of methodsByPath) {
      // No operation of the contract is a PATCH: every path answers it 405.
      const res = await t.http.patch(samplePath).auth(admin, { type: 'bearer' });
      expect(res.status, template).toBe(405);
      const allowed = String(res.headers.allow).split(/,\s*/);
      const expected = [...methods, ...(methods.has('GET') ? ['HEAD'] : [])];
      expect(allowed.sort(), template).toEqual(expected.sort());
    }
  });
});
