import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../support/captured-logs.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';
import { aWorkflowSeeker } from '../support/workflow.ts';

describe.runIf(TEST_ENGINE === 'sqlite')('a database that cannot take a request now', () => {
  const logs = captureLogs();
  let t: TestApp;
  let integration: string;

  beforeAll(async () => {
    t = await startTestApp({ logger: logs.logger });
    integration = await t.tokenFor('integration', 'svc-crm');
  });
  afterAll(() => t.close());

  it('answers 503 with Retry-After, writing nothing, while another process holds the write lock', async () => {
    const sync = () =>
      t.http.put('/v1/job-seekers/js-busy').auth(integration, { type: 'bearer' }).send(aWorkflowSeeker());
    const eventsBefore = await t.container.decisionLog.decisionLog.readHead();

    // Another process (a CLI, a backup) writing: the API waits its busy timeout, then gives up.
    const other = new Database(path.join(t.database.dataDir, 'aiguillage.sqlite'));
    other.exec('begin immediate');
    let busy: Awaited<ReturnType<typeof sync>>;
    try {
      busy = await sync();
    } finally {
      other.exec('rollback');
      other.close();
    }
    expect(busy.status).toBe(503);
    expect(busy.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(busy.headers['retry-after']).toBe('2');
    expect(busy.body).toMatchObject({ status: 503, retryAfterSeconds: 2 });
    expect(busy.body.detail).toMatch(/database is busy.*undone: retry in a moment/);
    expect(logs.find('error', /^database unavailable$/)).toMatchObject([{ storage: 'busy' }]);
    expect((await t.container.decisionLog.decisionLog.readHead()).seq).toBe(eventsBefore.seq);

    const retried = await sync();
    expect(retried.status).toBe(201);
  }, 20_000);
});
