import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { newIdempotencyKey } from '../support/workflow.ts';

/**
 * An incident is read back with `measures: null` and `modelId: null` when it has none; an auditor
 * who sends those back as written gets a 400. The validator says the field "must be string", which
 * does not tell them that an optional field with no value is left out.
 */
describe('a body field sent as null where the contract takes no null', () => {
  let t: TestApp;
  let auditor: string;
  const record = (body: Record<string, unknown>) =>
    t.http
      .post('/v1/audit/incidents')
      .auth(auditor, { type: 'bearer' })
      .set('X-Audit-Purpose', 'incident follow-up')
      .set('Idempotency-Key', newIdempotencyKey())
      .send(body);
  const anIncident = {
    severity: 'near_miss',
    detectedAt: '2026-01-01T00:00:00.000Z',
    summary: 'Five courses approved within seconds during an audit',
  };

  beforeAll(async () => {
    t = await startTestApp();
    auditor = await t.tokenFor('auditor', 'dpo-1');
  });
  afterAll(() => t.close());

  it('asks for an optional field sent as null to be left out, naming each', async () => {
    const res = await record({ ...anIncident, modelId: null, measures: null });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        {
          path: '/body/modelId',
          message: 'is null, which it may not be: leave the field out when it has no value, or give a string',
        },
        {
          path: '/body/measures',
          message: 'is null, which it may not be: leave the field out when it has no value, or give a string',
        },
      ]),
    );
    expect(res.body.detail).toContain('body/measures is null, which it may not be: leave the field out');
  });

  it('asks for a value of a required field sent as null, not for it to be left out', async () => {
    const res = await record({ ...anIncident, summary: null });
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual({
      path: '/body/summary',
      message: 'is null, which it may not be: give a string',
    });
  });

  it('keeps the validator words for a value of another type that is not null', async () => {
    const res = await record({ ...anIncident, measures: 12 });
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual({ path: '/body/measures', message: 'must be string' });
  });
});
