import { expect } from 'vitest';
import type { TestApp } from './test-app.ts';

/** The app's `/metrics`, as Prometheus scrapes it (exposition text). */
export async function scrapeMetrics(t: TestApp): Promise<string> {
  const res = await t.http.get('/metrics');
  expect(res.status).toBe(200);
  return res.text;
}

/** The screening's warnings counted so far for one request field (`comment`, `reason`, `message`). */
export async function countSensitiveTermWarnings(t: TestApp, field: string): Promise<number> {
  const line = (await scrapeMetrics(t))
    .split('\n')
    .find((row) => row.startsWith(`aiguillage_sensitive_term_warnings_total{field="${field}"}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}
