import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CapturedLogs, captureLogs } from '../support/captured-logs.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('the request log', () => {
  let t: TestApp;
  let logs: CapturedLogs;

  beforeAll(async () => {
    logs = captureLogs();
    t = await startTestApp({ logger: logs.logger });
  });

  afterAll(async () => {
    await t.close();
  });

  const completed = () => logs.find('info', /^request completed$/);

  it('writes one line per answered request with its operation, method and status, and no body or token', async () => {
    const before = completed().length;
    const token = await t.tokenFor('admin', 'admin-1');
    await t.http.get('/v1/settings').set('Authorization', `Bearer ${token}`).expect(200);

    const lines = completed().slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      operation: 'getSettings',
      req: { method: 'GET' },
      res: { statusCode: 200 },
    });
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain(token);
    expect(text).not.toContain('aiEnabled');
  });

  it('names the operation of a refused request too, and none for a path outside the contract', async () => {
    const before = completed().length;
    await t.http.get('/v1/settings').expect(401);
    await t.http.get('/v1/no-such-thing').expect(404);

    const lines = completed().slice(before);
    expect(lines.map((line) => [line.operation, (line.res as { statusCode: number }).statusCode])).toEqual([
      ['getSettings', 401],
      [undefined, 404],
    ]);
  });
});
