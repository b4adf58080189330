import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOpenApiDocument } from '../../src/http/openapi-document.ts';
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
