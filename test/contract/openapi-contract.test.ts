import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOpenApiDocument } from '../../src/http/openapi-document.ts';
import { MAX_BODY_DEPTH } from '../../src/http/refuse-deep-bodies.ts';
import { listDocumentedOperations } from '../support/openapi-operations.ts';

const root = path.resolve(import.meta.dirname, '../..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

describe('the OpenAPI contract', () => {
  it('declares 413 and 415 on every operation that takes a body, as express.json and the validator answer them', () => {
    const document = loadOpenApiDocument() as unknown as {
      paths: Record<string, Record<string, { requestBody?: unknown; responses?: Record<string, unknown> }>>;
    };
    const undeclared = listDocumentedOperations()
      .filter((operation) => operation.takesBody)
      .filter((operation) => {
        const responses = document.paths[operation.template]?.[operation.method]?.responses ?? {};
        return !('413' in responses && '415' in responses);
      })
      .map((operation) => operation.operationId);
    expect(undeclared).toEqual([]);
  });

  it('names in the problem document every problem type the service answers, for a client to switch on', () => {
    const document = loadOpenApiDocument() as unknown as {
      components: { schemas: { Problem: { properties: { type: { description: string } } } } };
    };
    const listed = document.components.schemas.Problem.properties.type.description;
    const answered = new Set<string>();
    for (const file of fs.readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.includes('generated')) continue;
      const source = fs.readFileSync(path.join(root, 'src', file), 'utf8');
      for (const match of source.matchAll(/problemType\('([a-z-]+)'\)|problem\(\d+, '([a-z-]+)'/g)) {
        answered.add(match[1] ?? match[2] ?? '');
      }
    }
    expect(answered.size).toBeGreaterThan(20);
    expect([...answered].filter((slug) => !listed.includes(`\`${slug}\``)).sort()).toEqual([]);
  });

  it('says that the ISO weeks of the audit figures are weeks in UTC, Monday 00:00 UTC to the next', () => {
    const document = loadOpenApiDocument() as unknown as {
      components: {
        schemas: Record<
          string,
          { properties?: Record<string, Schema>; allOf?: Array<{ properties?: Record<string, Schema> }> }
        >;
      };
    };
    const weeks = Object.entries(document.components.schemas).flatMap(([name, schema]) => {
      const week = [schema, ...(schema.allOf ?? [])].find((part) => part.properties?.week)?.properties?.week;
      return week?.pattern === '^\\d{4}-W\\d{2}$' ? [[name, String(week.description)] as const] : [];
    });
    expect(weeks.map(([name]) => name)).toEqual([
      'UsageWeek',
      'OversightRowFigures',
      'ManualSecondReviewFigures',
    ]);
    // A counselor in Paris deciding on Monday at 00:30 local time acts in the week before, in UTC.
    expect(weeks.filter(([, description]) => !description.includes('UTC'))).toEqual([]);
  });

  it('takes no JSON body nested as deep as the API refuses, and none of unbounded depth', () => {
    const document = loadOpenApiDocument();
    const depths = listDocumentedOperations()
      .filter((operation) => operation.takesBody)
      .map((operation) => {
        const paths = document.paths as Record<string, Record<string, unknown>>;
        const body = resolveSchema(document, paths[operation.template]?.[operation.method]);
        const content = (resolveSchema(document, body.requestBody).content ?? {}) as Record<string, Schema>;
        return [operation.operationId, depthOf(document, content['application/json']?.schema)] as const;
      });
    expect(depths.filter(([, depth]) => depth >= MAX_BODY_DEPTH)).toEqual([]);
    expect(Math.max(...depths.map(([, depth]) => depth))).toBe(3);
  });

  it('has generated types that match the document (run `npm run gen:api` after a change)', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aiguillage-gen-')), 'api.ts');
    execFileSync(bin('openapi-typescript'), ['openapi/openapi.yaml', '-o', out], {
      cwd: root,
      stdio: 'pipe',
    });
    const fresh = fs.readFileSync(out, 'utf8');
    const committed = fs.readFileSync(path.join(root, 'src/http/generated/api.ts'), 'utf8');
    expect(committed === fresh, 'src/http/generated/api.ts is stale: run npm run gen:api').toBe(true);
  });

  it('passes redocly lint with the recommended rules', () => {
    const run = () =>
      execFileSync(bin('redocly'), ['lint', 'openapi/openapi.yaml', '--format=stylish'], {
        cwd: root,
        stdio: 'pipe',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', NO_COLOR: '1' },
      });
    expect(run).not.toThrow();
  });
});

type Schema = Record<string, unknown>;

function resolveSchema(document: Schema, value: unknown): Schema {
  let schema = (value ?? {}) as Schema;
  while (typeof schema.$ref === 'string') {
    schema = schema.$ref
      .split('/')
      .slice(1)
      .reduce<Schema>((parent, key) => (parent[key] ?? {}) as Schema, document);
  }
  return schema;
}

/**
 * How many levels of objects and arrays a body of `value`'s schema may nest; infinite where it
 * takes any object or array (no properties declared, or extra ones of any shape).
 */
function depthOf(document: Schema, value: unknown): number {
  const schema = resolveSchema(document, value);
  const types = [schema.type].flat();
  const alternatives = ['allOf', 'oneOf', 'anyOf'].flatMap(
    (key) => (schema[key] as unknown[] | undefined) ?? [],
  );
  let depth = Math.max(0, ...alternatives.map((alternative) => depthOf(document, alternative)));
  if (types.includes('object') || schema.properties !== undefined) {
    const properties = Object.values((schema.properties ?? {}) as Schema);
    const extra = schema.additionalProperties;
    const open = extra === true || (extra === undefined && schema.properties === undefined);
    const members = [...properties, ...(typeof extra === 'object' ? [extra] : [])];
    depth = Math.max(
      depth,
      open ? Number.POSITIVE_INFINITY : 1 + Math.max(0, ...members.map((m) => depthOf(document, m))),
    );
  }
  if (types.includes('array') || schema.items !== undefined) {
    depth = Math.max(
      depth,
      schema.items === undefined ? Number.POSITIVE_INFINITY : 1 + depthOf(document, schema.items),
    );
  }
  return depth;
}
