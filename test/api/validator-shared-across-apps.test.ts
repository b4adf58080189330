import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../support/captured-logs.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const SETTINGS = {
  aiEnabled: true,
  blindFirst: false,
  secondReviewRate: 0,
  setTtlHours: 168,
  fastDecisionSeconds: 10,
};

/** The validator's request and response checks as an app runs them (express-openapi-validator names them so). */
function validatorChecksOf(app: Express): unknown[] {
  const { stack } = app.router as unknown as { stack: Array<{ name: string; handle: unknown }> };
  return stack
    .filter((layer) => layer.name === 'requestMiddleware' || layer.name === 'responseMiddleware')
    .map((layer) => layer.handle);
}

describe('the contract validator, one for every app of a process', () => {
  let first: TestApp;
  let second: TestApp;
  const secondLogs = captureLogs();

  beforeAll(async () => {
    first = await startTestApp();
    const admin = await first.tokenFor('admin', 'ops-1');
    // The first app's calls compile the operations' checks before the second app starts.
    expect((await first.http.get('/v1/settings').auth(admin, { type: 'bearer' })).status).toBe(200);
    expect((await first.http.put('/v1/settings').auth(admin, { type: 'bearer' }).send(SETTINGS)).status).toBe(
      200,
    );
    second = await startTestApp({ logger: secondLogs.logger });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it('checks the requests and responses of every app of the process with one validator', () => {
    const [checkRequest, checkResponse] = validatorChecksOf(first.app);
    expect(checkRequest).toBeTypeOf('function');
    expect(checkResponse).toBeTypeOf('function');
    expect(validatorChecksOf(second.app)).toHaveLength(2);
    expect(validatorChecksOf(second.app)[0]).toBe(checkRequest);
    expect(validatorChecksOf(second.app)[1]).toBe(checkResponse);
  });

  it('still refuses a request the contract refuses in a second app of the process', async () => {
    const admin = await second.tokenFor('admin', 'ops-1');
    const res = await second.http
      .put('/v1/settings')
      .auth(admin, { type: 'bearer' })
      .send({ ...SETTINGS, secondReviewRate: 7 });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.type).toMatch(/validation$/);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '/body/secondReviewRate' })]);
  });

  it('still refuses an answer the contract refuses in a second app of the process', async () => {
    const admin = await second.tokenFor('admin', 'ops-1');
    const { settings } = second.container.services;
    const stored = await settings.getSettings();
    settings.getSettings = async () => ({ ...stored, secondReviewRate: 7 });
    const res = await second.http.get('/v1/settings').auth(admin, { type: 'bearer' });
    expect(res.status).toBe(500);
    expect(res.body).not.toHaveProperty('secondReviewRate');
    const [logged] = secondLogs.find('error', /unhandled error/);
    expect(JSON.stringify(logged?.err)).toMatch(/secondReviewRate/);
  });

  it("checks each app's tokens with that app's own keys", async () => {
    const firstAppsToken = await first.tokenFor('admin', 'ops-1');
    const res = await second.http.get('/v1/settings').auth(firstAppsToken, { type: 'bearer' });
    expect(res.status).toBe(401);
    expect((await first.http.get('/v1/settings').auth(firstAppsToken, { type: 'bearer' })).status).toBe(200);
  });
});
