import type { NextFunction, Request, Response } from 'express';
import { type FieldError, RequestValidationError, toPointerToken } from './problem.ts';
import { describeUndecodable } from './validation-messages.ts';

/**
 * Refuses a query whose names or values are not percent-encoded UTF-8 (`q=pr%E9paration`, Latin-1's
 * "é"; `q=100%`), naming each parameter (400, `errors` with `/query/q`). Express's query reader keeps
 * such a value as it could, and the search looked for text nobody wrote; the same bytes in a path are
 * refused. Runs inside the validator, after it has checked the caller (see `createOpenApiValidator`).
 */
export function refuseUndecodableQuery(req: Request, _res: Response, next: NextFunction): void {
  const query = req.originalUrl.split('?').slice(1).join('?');
  const errors: FieldError[] = [];
  for (const pair of query === '' ? [] : query.split('&')) {
    const [rawName = '', ...rest] = pair.split('=');
    const rawValue = rest.join('=');
    const name = decodeQueryText(rawName);
    const value = decodeQueryText(rawValue);
    if (name !== undefined && value !== undefined) continue;
    const wrong = name === undefined ? rawName : rawValue;
    errors.push({ path: `/query/${toPointerToken(name ?? rawName)}`, message: describeUndecodable(wrong) });
  }
  next(errors.length === 0 ? undefined : new RequestValidationError(errors));
}

/** A query's name or value decoded (a `+` is a space), or undefined when it is not percent-encoded UTF-8. */
function decodeQueryText(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}
