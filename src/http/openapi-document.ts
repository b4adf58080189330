import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const OPENAPI_PATH = fileURLToPath(new URL('../../openapi/openapi.yaml', import.meta.url));

/** Reads the contract. The express-openapi-validator mutates what it gets, so each call parses anew. */
export function loadOpenApiDocument(): Record<string, unknown> {
  return parse(fs.readFileSync(OPENAPI_PATH, 'utf8')) as Record<string, unknown>;
}
