import type { NextFunction, Request, Response } from 'express';
import { type FieldError, RequestValidationError, toPointerToken } from './problem.ts';

/**
 * Refuses a query number too large to read (400, `errors` naming `/query/limit`…). The validator
 * turns `1e309`, or a number of hundreds of digits, into Infinity, which passes the contract's
 * `maximum`: a listing's `limit` of Infinity was a 500 (the audit query's record cannot hold it) or a
 * refusal the contract does not declare. Runs after the validator, which made the numbers.
 */
export function refuseInfiniteQueryNumbers(req: Request, _res: Response, next: NextFunction): void {
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(req.query as Record<string, unknown>)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (values.some((one) => typeof one === 'number' && !Number.isFinite(one))) {
      errors.push({
        path: `/query/${toPointerToken(name)}`,
        message: 'is a number too large to read: give it within the bounds the contract states',
      });
    }
  }
  next(errors.length === 0 ? undefined : new RequestValidationError(errors));
}
