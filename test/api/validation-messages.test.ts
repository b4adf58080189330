import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOpenApiDocument } from '../../src/http/openapi-document.ts';
import { describePattern } from '../../src/http/validation-messages.ts';
import type { TestApp } from '../support/test-app.ts';
import { startWorkflowApp } from '../support/workflow-app.ts';

describe('a refused request', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    ({ t, counselor } = await startWorkflowApp());
  });
  afterAll(() => t.close());

  it('says in words what a field’s pattern asks for, not the regular expression', async () => {
    const res = await t.http.get('/v1/courses').query({ near: 'Lyon' }).auth(counselor, { type: 'bearer' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        path: '/query/near',
        message:
          'must be a latitude and a longitude in decimal degrees, separated by a comma (45.764,4.8357)',
      },
    ]);
    expect(res.body.detail).not.toMatch(/pattern/);
  });

  it('has words for every pattern the contract holds', () => {
    const patterns = new Set<string>();
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (typeof value === 'object' && value !== null) {
        for (const [key, inner] of Object.entries(value)) {
          if (key === 'pattern' && typeof inner === 'string') patterns.add(inner);
          else collect(inner);
        }
      }
    };
    collect(loadOpenApiDocument());
    expect(patterns.size).toBeGreaterThan(5);
    expect([...patterns].filter((pattern) => describePattern(pattern) === undefined)).toEqual([]);
  });

  it('names a missing header as the contract spells it', async () => {
    const res = await t.http
      .post('/v1/job-seekers/js-1/recommendations')
      .auth(counselor, { type: 'bearer' })
      .send({});
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { path: '/headers/idempotency-key', message: 'the Idempotency-Key header is required' },
    ]);
  });
});
