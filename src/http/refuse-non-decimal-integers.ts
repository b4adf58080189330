import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { readContractOperations } from './contract-parameters.ts';
import { operationIdOf } from './operation-id.ts';
import { type FieldError, RequestValidationError, toPointerToken } from './problem.ts';

const DECIMAL_DIGITS = /^-?\d+$/;

/**
 * A middleware that refuses an integer query parameter written other than in decimal digits (400,
 * `errors` naming `/query/limit`…). The validator reads a query number as JavaScript does, so that
 * `limit=1e1` passes as 10, `0x10` as 16, `1.0`, `+5` or ` 5` as numbers: a client that wrote those
 * made a mistake, and is told so rather than served what it did not ask for. Read from the contract,
 * so that a new integer parameter is covered without a word here; runs after the validator, which
 * matched the operation, on the query as sent.
 */
export function createRefuseNonDecimalIntegers(document: Record<string, unknown>): RequestHandler {
  const integerNames = new Map<string, string[]>();
  for (const { operationId, parameters } of readContractOperations(document)) {
    const names = parameters
      .filter((parameter) => parameter.in === 'query' && parameter.schema.type === 'integer')
      .map((parameter) => String(parameter.name));
    if (operationId !== undefined && names.length > 0) integerNames.set(operationId, names);
  }
  return (req: Request, _res: Response, next: NextFunction) => {
    const operationId = operationIdOf(req);
    const names = operationId === undefined ? undefined : integerNames.get(operationId);
    const queryAt = req.originalUrl.indexOf('?');
    if (names === undefined || queryAt === -1) return next();
    const sent = new URLSearchParams(req.originalUrl.slice(queryAt + 1));
    const errors: FieldError[] = names
      .filter((name) => sent.getAll(name).some((value) => !DECIMAL_DIGITS.test(value)))
      .map((name) => ({
        path: `/query/${toPointerToken(name)}`,
        message: 'is an integer: write it in decimal digits only (10, not 1e1, 0x0a or 10.0)',
      }));
    next(errors.length === 0 ? undefined : new RequestValidationError(errors));
  };
}
