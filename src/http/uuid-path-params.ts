import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { escapeRegExp } from '../shared/escape-reg-exp.ts';
import { normaliseUuid } from '../shared/uuid-text.ts';
import { readContractOperations } from './contract-parameters.ts';

/** One path of the contract with UUID parameters: its shape, and which of its captures are UUIDs. */
interface UuidPath {
  pattern: RegExp;
  uuidCaptures: ReadonlySet<number>;
}

/**
 * A middleware that writes every UUID path parameter of the contract (`format: uuid`: a set's, an
 * item's, an incident's id) as the API writes ids, in lower case, before the routes read it. UUIDs
 * are case-insensitive (RFC 9562) and the validator accepts `01A2…` as it accepts `01a2…`: a client
 * that upper-cases ids must reach the same set, not a 404. Read from the contract, so that a new
 * UUID parameter is covered without a word here. The other path parameters (a job seeker's or a
 * course's id, the case-management system's and the catalog's) are left as sent: they are not UUIDs
 * and their case is theirs.
 */
export function createUuidPathParams(document: Record<string, unknown>): RequestHandler {
  const paths = findUuidPaths(document);
  return (req: Request, _res: Response, next: NextFunction) => {
    const queryAt = req.url.indexOf('?');
    const path = queryAt === -1 ? req.url : req.url.slice(0, queryAt);
    for (const { pattern, uuidCaptures } of paths) {
      const match = pattern.exec(path);
      if (match === null) continue;
      const segments = match
        .slice(1, -1)
        .map((segment, index) => (uuidCaptures.has(index + 1) ? normaliseUuid(segment ?? '') : segment));
      req.url = `/${segments.join('/')}${match.at(-1) ?? ''}${queryAt === -1 ? '' : req.url.slice(queryAt)}`;
      break;
    }
    next();
  };
}

/** Every path of the document with a UUID parameter, one capture for each of its segments. */
function findUuidPaths(document: Record<string, unknown>): UuidPath[] {
  const uuidNamesByPath = new Map<string, Set<string>>();
  for (const { template, parameters } of readContractOperations(document)) {
    const uuidNames = uuidNamesByPath.get(template) ?? new Set<string>();
    uuidNamesByPath.set(template, uuidNames);
    for (const parameter of parameters) {
      if (parameter.in === 'path' && parameter.schema.format === 'uuid')
        uuidNames.add(String(parameter.name));
    }
  }
  const found: UuidPath[] = [];
  for (const [template, uuidNames] of uuidNamesByPath) {
    if (uuidNames.size === 0) continue;
    // Every segment captured, so that the capture numbers are the segments' places after the prefix.
    const segments = template.split('/').slice(1);
    const uuidCaptures = new Set<number>();
    segments.forEach((segment, index) => {
      const name = /^\{(.+)\}$/.exec(segment)?.[1];
      if (name !== undefined && uuidNames.has(name)) uuidCaptures.add(index + 1);
    });
    const body = segments
      .map((segment) => (/^\{.+\}$/.test(segment) ? '([^/]+)' : `(${escapeRegExp(segment)})`))
      .join('/');
    found.push({ pattern: new RegExp(`^/${body}(/?)$`), uuidCaptures });
  }
  return found;
}
