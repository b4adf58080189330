import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageScrubber } from '../../src/erasure/storage-scrubber.ts';
import { type CapturedLogs, captureLogs } from '../support/captured-logs.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { ERASURE_REQUEST, eraseJobSeeker, syncSeeker } from '../support/workflow.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * A 500 says "an unexpected error occurred; it has been logged": with several processes and many
 * requests, support finds that line only by an id the caller was given, in the answer, and the line
 * carries.
 */
describe('request ids', () => {
  let t: TestApp;
  let logs: CapturedLogs;

  beforeAll(async () => {
    logs = captureLogs();
    t = await startTestApp({ logger: logs.logger, env: { CORS_ORIGINS: 'https://crm.example' } });
  });
  afterAll(() => t.close());

  it('gives a 500 a request id, in X-Request-Id and the problem document, that the error line carries', async () => {
    const getSettings = t.container.services.settings.getSettings;
    t.container.services.settings.getSettings = async () => {
      throw new Error('boom');
    };
    try {
      const admin = await t.tokenFor('admin', 'a-001');
      const res = await t.http.get('/v1/settings').auth(admin, { type: 'bearer' });
      expect(res.status).toBe(500);

      const id = String(res.headers['x-request-id']);
      expect(id).toMatch(UUID);
      expect(res.body).toMatchObject({
        type: expect.stringMatching(/\/internal$/),
        instance: `urn:uuid:${id}`,
      });
      const [line, ...others] = logs.find('error', /^unhandled error$/);
      expect(others).toEqual([]);
      expect(line).toMatchObject({ req: { id }, operation: 'getSettings', err: { message: 'boom' } });
    } finally {
      t.container.services.settings.getSettings = getSettings;
    }
  });

  it('gives every answer its own id, and the request log line the same', async () => {
    const answers = [
      await t.http.get('/healthz'),
      await t.http.get('/healthz'),
      await t.http.get('/v1/settings'),
      await t.http.get('/v1/no-such-thing'),
    ];
    const ids = answers.map((res) => String(res.headers['x-request-id']));
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
    const completed = logs.find('info', /^request completed$/).map((line) => (line.req as { id: string }).id);
    expect(completed).toEqual(expect.arrayContaining(ids));
  });

  it('names the request in every problem document as its instance', async () => {
    const unauthorized = await t.http.get('/v1/settings');
    const notFound = await t.http.get('/v1/no-such-thing');
    for (const res of [unauthorized, notFound]) {
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.instance).toBe(`urn:uuid:${res.headers['x-request-id']}`);
    }
  });

  it('takes no request id from the client', async () => {
    const sent = '00000000-0000-4000-8000-000000000000';
    const res = await t.http.get('/v1/settings').set('X-Request-Id', sent);
    expect(res.headers['x-request-id']).toMatch(UUID);
    expect(res.headers['x-request-id']).not.toBe(sent);
    expect(res.body.instance).not.toContain(sent);
  });

  it('carries the request id on the lines a service logs while serving it, and none outside a request', async () => {
    await syncSeeker(t, 'js-by-request');
    await syncSeeker(t, 'js-by-hand');
    // An erasure whose clearing of the files fails after its commit: the erasure service warns,
    // through the container's logger, not the request's.
    const scrubber = (t.container.services.erasure as unknown as { deps: { scrubber: StorageScrubber } }).deps
      .scrubber;
    const scrub = scrubber.scrubDeletedRows;
    scrubber.scrubDeletedRows = async () => {
      throw new Error('database is locked');
    };
    const warnings = () =>
      logs.lines.filter((line) => line.msg === 'a step after a committed change failed; the change stands');
    try {
      const admin = await t.tokenFor('admin', 'a-001');
      const res = await eraseJobSeeker(t, admin, 'js-by-request');
      expect(res.status).toBe(204);
      expect(warnings()).toEqual([
        expect.objectContaining({ reqId: res.headers['x-request-id'], err: expect.anything() }),
      ]);

      // The same service called outside any request, as a script or a daily job would.
      await t.container.services.erasure.eraseJobSeeker({
        admin: { subject: 'a-001', roles: ['admin'] },
        seekerId: 'js-by-hand',
        reference: ERASURE_REQUEST,
      });
      expect(warnings()).toHaveLength(2);
      expect(warnings()[1]).not.toHaveProperty('reqId');
    } finally {
      scrubber.scrubDeletedRows = scrub;
    }
  });

  it('lets a browser read the id', async () => {
    const res = await t.http.get('/healthz').set('Origin', 'https://crm.example');
    expect(res.headers['access-control-expose-headers']).toContain('X-Request-Id');
  });
});
