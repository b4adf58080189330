import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOpenApiDocument } from '../../src/http/openapi-document.ts';
import { describeFormat, describePattern } from '../../src/http/validation-messages.ts';
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

  it('says in words what an id that is not a UUID should look like, naming the parameter', async () => {
    const res = await t.http.get('/v1/recommendations/set-42').auth(counselor, { type: 'bearer' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        path: '/params/setId',
        message:
          'must be a UUID: 32 hexadecimal digits in groups of 8-4-4-4-12 (0190c6e8-4b1f-7c3a-9d2e-5f6a7b8c9d0e)',
      },
    ]);
    expect(res.body.detail).toMatch(/^params\/setId must be a UUID/);
    expect(res.body.detail).not.toMatch(/format/);
  });

  it('has words for every format the contract holds', () => {
    const formats = new Set<string>();
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (typeof value === 'object' && value !== null) {
        for (const [key, inner] of Object.entries(value)) {
          if (key === 'format' && typeof inner === 'string') formats.add(inner);
          else collect(inner);
        }
      }
    };
    collect(loadOpenApiDocument());
    expect(formats).toContain('uuid');
    expect([...formats].filter((format) => describeFormat(format) === undefined)).toEqual([]);
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
    // The words alone: the header's path in front of them would say it twice.
    expect(res.body.detail).toBe('the Idempotency-Key header is required');
  });
});
