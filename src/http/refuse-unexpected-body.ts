import type { NextFunction, Request, Response } from 'express';
import { findMatchedOperation, takesRequestBody } from './operation-id.ts';
import { RequestValidationError } from './problem.ts';

/**
 * The methods of the contract's operations that change something, where a client may mean what it
 * sends. GET is left alone: its body has no meaning in HTTP, and its options go in the query.
 */
const CHECKED_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Refuses a body sent to an operation whose contract has no `requestBody` (400, `errors` naming
 * `/body`): the validator lets it through unread, and a client that believes it passed options
 * would never learn they were ignored. Runs after the validator, so authentication (401, 403) and
 * the contract's own checks answer first. No body, an empty one and `{}` are taken as none:
 * body-parser reads an empty JSON body as `{}`, and a `{}` carries nothing that could be ignored.
 */
export function refuseUnexpectedBody(req: Request, _res: Response, next: NextFunction): void {
  const operation = findMatchedOperation(req);
  if (
    operation === undefined ||
    takesRequestBody(operation) ||
    !CHECKED_METHODS.has(req.method) ||
    !carriesContent(req)
  ) {
    next();
    return;
  }
  const name = operation.operationId ?? 'this operation';
  next(
    new RequestValidationError([{ path: '/body', message: `must be empty: ${name} takes no request body` }]),
  );
}

/** Whether the request sends something in its body: parsed JSON other than `{}`, or any other bytes. */
function carriesContent(req: Request): boolean {
  const body: unknown = req.body;
  if (body !== undefined) return !isEmptyObject(body);
  // Not JSON, so left unparsed: judged by what the client declared.
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

function isEmptyObject(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0
  );
}
