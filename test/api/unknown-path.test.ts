import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('a path the API does not have', () => {
  let t: TestApp;
  let counselor: string;

  beforeAll(async () => {
    t = await startTestApp();
    counselor = await t.tokenFor('counselor', 'c-001');
  });
  afterAll(() => t.close());

  it('answers 404 naming the path sent and where the operations are listed', async () => {
    for (const path of ['/v1/job-seekers', '/v1/recommandations', '/nowhere']) {
      const res = await t.http.get(`${path}?limit=5`).auth(counselor, { type: 'bearer' });
      expect(res.status, path).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body, path).toMatchObject({
        type: 'https://aiguillage.example/problems/not-found',
        detail: `the API has no operation at ${path}: its operations are listed at /docs and in /openapi.json`,
      });
    }
  });
});
