import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PgRelay, startTestAppThroughRelay } from '../support/pg-relay.ts';
import type { TestApp } from '../support/test-app.ts';
import { TEST_ENGINE } from '../support/test-database.ts';

describe.skipIf(TEST_ENGINE !== 'postgres')('a PostgreSQL server that stops answering mid-request', () => {
  let t: TestApp;
  let relay: PgRelay;
  let counselor: string;

  beforeAll(async () => {
    ({ t, relay } = await startTestAppThroughRelay());
    counselor = await t.tokenFor('counselor', 'c-001');
  });
  afterAll(async () => {
    relay?.thaw();
    await t?.close();
    await relay?.close();
  });

  const read = () => t.http.get('/v1/job-seekers/js-0').auth(counselor, { type: 'bearer' });

  it('ends the request 503 problem+json within seconds, not never, and serves again once the server answers', async () => {
    expect((await read()).status).toBe(404);
    relay.freeze();
    const started = Date.now();
    const res = await read();
    const tookMs = Date.now() - started;
    relay.thaw();
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBeDefined();
    expect(tookMs).toBeLessThan(15_000);
    expect((await read()).status).toBe(404);
  }, 28_000);

  it('answers /readyz not ready within seconds while the server is frozen, and ready once it answers', async () => {
    relay.freeze();
    const started = Date.now();
    const res = await t.http.get('/readyz');
    const tookMs = Date.now() - started;
    relay.thaw();
    expect(res.status).toBe(503);
    expect(res.body.checks.database).toBe('failing');
    expect(tookMs).toBeLessThan(5000);
    expect((await t.http.get('/readyz')).status).toBe(200);
  }, 20_000);
});
