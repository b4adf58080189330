import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../src/auth/principal.ts';
import { loadOpenApiDocument } from '../../src/http/openapi-document.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * A query parameter the contract declares an integer is written in decimal digits. The validator
 * reads `limit=1e1` as 10 and `limit=0x10` as 16: a client that sent those made a mistake, and is told
 * so (400 naming the parameter) on every operation, rather than served a page it did not ask for.
 */
describe('an integer query parameter not written in decimal digits', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.tokenFor([...ROLES], 'ops-1');
  });
  afterAll(() => t.close());

  const parameters = integerQueryParameters();

  it('covers the limits, sequence bounds and second counts of the contract', () => {
    expect(parameters.length).toBeGreaterThanOrEqual(10);
  });

  const written = ['1e1', '0x10', '0b11', '0o7', '1.0', '+5', ' 5', '5 ', '1E1'];

  it.each(parameters)('is refused on %s?%s with 400 naming the parameter', async (path, name) => {
    for (const value of written) {
      const res = await t.http
        .get(`${path}?${name}=${encodeURIComponent(value)}`)
        .auth(token, { type: 'bearer' })
        .set('X-Audit-Purpose', 'quarterly oversight review');
      expect(res.status, `${JSON.stringify(value)}: ${res.text}`).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors).toContainEqual({
        path: `/query/${name}`,
        message: expect.stringMatching(/decimal digits/),
      });
    }
  });

  it.each(['0x10', '0b11', '0o7', '+5', ' 5', '.5', '5.', 'Infinity'])(
    'refuses a distance written %j (not a decimal number) on /v1/courses?withinKm, naming it',
    async (value) => {
      const res = await t.http
        .get(`/v1/courses?near=45.7,4.8&withinKm=${encodeURIComponent(value)}`)
        .auth(token, { type: 'bearer' });
      expect(res.status, res.text).toBe(400);
      expect(res.body.errors).toContainEqual({ path: '/query/withinKm', message: expect.any(String) });
    },
  );

  it.each([
    ['/v1/courses?near=45.7,4.8&withinKm=12.5', 200],
    ['/v1/courses?near=45.7,4.8&withinKm=1e2', 200],
    ['/v1/courses?limit=10', 200],
    ['/v1/audit/checkpoints?toSeq=0', 200],
    ['/v1/audit/events?limit=200', 200],
    ['/v1/courses?limit=0', 400],
    ['/v1/courses?limit=-3', 400],
  ])('still reads %s as before (%i)', async (url, status) => {
    const res = await t.http
      .get(url)
      .auth(token, { type: 'bearer' })
      .set('X-Audit-Purpose', 'quarterly oversight review');
    expect(res.status, res.text).toBe(status);
    if (status === 400) expect(res.body.errors[0].message).not.toMatch(/decimal digits/);
  });
});

/** Every query parameter of the contract typed integer, with its path (path parameters filled in). */
function integerQueryParameters(): [string, string][] {
  const document = loadOpenApiDocument();
  const resolve = (value: unknown): Record<string, unknown> => {
    let found = value as Record<string, unknown>;
    while (typeof found.$ref === 'string') {
      found = found.$ref
        .split('/')
        .slice(1)
        .reduce<Record<string, unknown>>((inner, key) => inner[key] as Record<string, unknown>, document);
    }
    return found;
  };
  const found: [string, string][] = [];
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
    const get = item.get as { parameters?: unknown[] } | undefined;
    if (get === undefined) continue;
    for (const parameter of [...((item.parameters as unknown[]) ?? []), ...(get.parameters ?? [])].map(
      resolve,
    )) {
      if (parameter.in === 'query' && resolve(parameter.schema).type === 'integer') {
        found.push([
          path.replace(/\{[^}]+\}/g, '01a2418a-0641-7c3f-bb32-798294b0fe84'),
          parameter.name as string,
        ]);
      }
    }
  }
  return found;
}
