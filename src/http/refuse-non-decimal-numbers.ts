import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { readContractOperations } from './contract-parameters.ts';
import { operationIdOf } from './operation-id.ts';
import { type FieldError, RequestValidationError, toPointerToken } from './problem.ts';

/** How a query number is written, by its type in the contract: decimal digits, as JSON writes numbers. */
const WRITTEN: Record<string, { pattern: RegExp; message: string }> = {
  integer: {
    pattern: /^-?\d+$/,
    message: 'is an integer: write it in decimal digits only (10, not 1e1, 0x0a or 10.0)',
  },
  number: {
    pattern: /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/,
    message: 'is a number: write it in decimal, as JSON does (12.5 or 1e2, not 0x10, .5 or +5)',
  },
};

/**
 * A middleware that refuses a query number written other than in decimal (400, `errors` naming
 * `/query/limit`…). The validator reads a query number as JavaScript does, so that `limit=1e1`
 * passes as 10, `0x10` as 16, `1.0`, `+5` or ` 5` as numbers: a client that wrote those made a
 * mistake, and is told so rather than served what it did not ask for. An integer is digits only; a
 * number (a distance) is written as JSON writes one. Read from the contract, so that a new parameter
 * is covered without a word here; runs after the validator, which matched the operation, on the
 * query as sent.
 */
export function createRefuseNonDecimalNumbers(document: Record<string, unknown>): RequestHandler {
  const numbersOf = new Map<string, Array<[name: string, type: string]>>();
  for (const { operationId, parameters } of readContractOperations(document)) {
    const numbers = parameters.flatMap((parameter): Array<[string, string]> => {
      const type = parameter.schema.type;
      return parameter.in === 'query' && typeof type === 'string' && type in WRITTEN
        ? [[String(parameter.name), type]]
        : [];
    });
    if (operationId !== undefined && numbers.length > 0) numbersOf.set(operationId, numbers);
  }
  return (req: Request, _res: Response, next: NextFunction) => {
    const operationId = operationIdOf(req);
    const numbers = operationId === undefined ? undefined : numbersOf.get(operationId);
    const queryAt = req.originalUrl.indexOf('?');
    if (numbers === undefined || queryAt === -1) return next();
    const sent = new URLSearchParams(req.originalUrl.slice(queryAt + 1));
    const errors: FieldError[] = [];
    for (const [name, type] of numbers) {
      const written = WRITTEN[type];
      if (written !== undefined && sent.getAll(name).some((value) => !written.pattern.test(value))) {
        errors.push({ path: `/query/${toPointerToken(name)}`, message: written.message });
      }
    }
    next(errors.length === 0 ? undefined : new RequestValidationError(errors));
  };
}
