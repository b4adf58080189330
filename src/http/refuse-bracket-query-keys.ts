import type { NextFunction, Request, Response } from 'express';
import { type FieldError, RequestValidationError, toPointerToken } from './problem.ts';

/**
 * Refuses a query whose parameter names hold a bracket (`status[x]=`, `status[]=`, `type[0]=`),
 * naming each (400, `errors` with `/query/status[x]`). No parameter of the contract has a bracket in
 * its name, and lists are written repeated or comma-separated; but express-openapi-validator reads
 * brackets as nesting all the same: an object where a list was expected made it throw (a 500), and
 * `status[]=` or `type[0]=` were quietly taken as the plain parameter. Runs inside the validator,
 * after it has checked the caller and before its request checks, the part that breaks on them (see
 * `createOpenApiValidator`): a request without a valid token is answered 401 whatever its query.
 */
export function refuseBracketQueryKeys(req: Request, _res: Response, next: NextFunction): void {
  const errors: FieldError[] = Object.keys(req.query)
    .filter((key) => /[[\]]/.test(key))
    .map((key) => ({
      path: `/query/${toPointerToken(key)}`,
      message:
        'is not a parameter name: names hold no brackets; give a list by repeating the parameter (`status=a&status=b`) or with commas (`status=a,b`)',
    }));
  next(errors.length === 0 ? undefined : new RequestValidationError(errors));
}
