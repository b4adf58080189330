import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../src/auth/principal.ts';
import { loadOpenApiDocument } from '../../src/http/openapi-document.ts';
import { aCourse, aJobSeeker } from '../support/builders.ts';
import { listDocumentedOperations } from '../support/openapi-operations.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** A valid JSON body per operation that takes one; the fuzzer mutates from there. */
const VALID_BODIES: Record<string, () => Record<string, unknown>> = {
  putJobSeeker: () => ({ ...aJobSeeker() }),
  putCourse: () => ({ ...aCourse() }),
};

const document = loadOpenApiDocument() as {
  paths: Record<string, Record<string, { parameters?: Array<{ name?: string; in?: string }> }>>;
};

function queryNamesOf(template: string, method: string): string[] {
  const parameters = document.paths[template]?.[method]?.parameters ?? [];
  return parameters.flatMap((p) => (p.in === 'query' && p.name !== undefined ? [p.name] : []));
}

const weirdString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    '1e309',
    'NaN',
    'null',
    'true',
    '../../etc/passwd',
    '%00',
    "' or 1=1 --",
    '💥',
  ),
  fc.integer().map(String),
  fc.double().map(String),
);

const jsonValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  weirdString,
  fc.array(weirdString, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), weirdString, { maxKeys: 3 }),
);

/** A valid body, or one with a field dropped, retyped or added. */
function bodyFor(operationId: string): fc.Arbitrary<unknown> {
  const valid = VALID_BODIES[operationId];
  if (valid === undefined) return fc.oneof(fc.constant(undefined), jsonValue);
  const keys = Object.keys(valid());
  return fc.oneof(
    fc.constant(valid()),
    fc.constantFrom(...keys).map((key) => {
      const body = valid();
      delete body[key];
      return body;
    }),
    fc.tuple(fc.constantFrom(...keys), jsonValue).map(([key, value]) => ({ ...valid(), [key]: value })),
    fc
      .tuple(fc.string({ minLength: 1, maxLength: 10 }), jsonValue)
      .map(([key, value]) => ({ ...valid(), [key]: value })),
    jsonValue,
  );
}

describe('generated and mutated requests', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    token = await t.tokenFor([...ROLES], 'c-001');
  });
  afterAll(() => t.close());

  const operations = listDocumentedOperations().filter((op) => op.roles !== undefined);

  it.each(operations.map((op) => [op.operationId, op] as const))(
    '%s never answers 5xx, and every 4xx is problem+json',
    async (_id, op) => {
      const queryNames = queryNamesOf(op.template, op.method);
      const queryName = queryNames.length > 0 ? fc.constantFrom(...queryNames) : fc.constant('extra');
      const request = fc.record({
        pathValue: fc.oneof(fc.constant('sample-1'), fc.string({ minLength: 1, maxLength: 70 })),
        query: fc.dictionary(
          // Names as written, or with the brackets some clients add to lists (`status[]`, `type[0]`).
          fc.oneof(
            queryName,
            fc
              .tuple(queryName, fc.constantFrom('[]', '[0]', '[x]'))
              .map(([name, brackets]) => name + brackets),
          ),
          weirdString,
          { maxKeys: 4 },
        ),
        body: bodyFor(op.operationId),
        contentType: fc.constantFrom('application/json', 'application/x-ndjson', 'text/csv', 'text/plain'),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ pathValue, query, body, contentType }) => {
          const url = op.template.replace(/\{[^}]+\}/g, encodeURIComponent(pathValue));
          let call = t.http[op.method](url).query(query).auth(token, { type: 'bearer' });
          if (op.method !== 'get') {
            const raw = typeof body === 'string' ? body : JSON.stringify(body ?? null);
            call = call.set('Content-Type', contentType).send(raw);
          }
          const res = await call;
          expect(res.status, `${op.method.toUpperCase()} ${url} → ${res.status} ${res.text}`).toBeLessThan(
            500,
          );
          if (res.status >= 400) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        }),
        { numRuns: 60, seed: 20261129 },
      );
    },
  );
});
