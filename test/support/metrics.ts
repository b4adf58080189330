import { expect } from 'vitest';
import type { TestApp } from './test-app.ts';

/** The app's `/metrics`, as Prometheus scrapes it (exposition text). */
export async function scrapeMetrics(t: TestApp): Promise<string> {
  const res = await t.http.get('/metrics');
  expect(res.status).toBe(200);
  return res.text;
}
