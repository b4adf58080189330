import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const OPENAPI_PATH = fileURLToPath(new URL('../../openapi/openapi.yaml', import.meta.url));

let document: Record<string, unknown> | undefined;

/**
 * The contract, read once per process and frozen: every app of the process serves it and shares the
 * validator built on it (`openapi-validator.ts`), so nothing may change it. express-openapi-validator
 * works on its own copy.
 */
export function loadOpenApiDocument(): Record<string, unknown> {
  document ??= freezeDeeply(parse(fs.readFileSync(OPENAPI_PATH, 'utf8')) as Record<string, unknown>);
  return document;
}

function freezeDeeply<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) freezeDeeply(inner);
    Object.freeze(value);
  }
  return value;
}
