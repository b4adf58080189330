import type { NextFunction, Request, Response } from 'express';
import { containsNul, NUL_REASON } from '../shared/nul-character.ts';
import { type FieldError, RequestValidationError, toPointerToken } from './problem.ts';

/**
 * Refuses a request whose JSON body or query holds a NUL character in any text, naming where (400,
 * `errors` with `/body/comment`, `/query/q`…): the contract's text fields allow any character, and
 * such a comment was a 500 on PostgreSQL and stored on SQLite. Runs after the validator, so that
 * authentication and the contract answer first. Bodies read as streams (the catalog import) check
 * their own lines.
 */
export function refuseNulCharacters(req: Request, _res: Response, next: NextFunction): void {
  const errors: FieldError[] = [];
  findNul(req.query, '/query', errors);
  findNul(req.body, '/body', errors);
  next(errors.length === 0 ? undefined : new RequestValidationError(errors));
}

function findNul(value: unknown, path: string, errors: FieldError[]): void {
  if (typeof value === 'string') {
    if (containsNul(value)) errors.push({ path, message: NUL_REASON });
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      findNul(item, `${path}/${index}`, errors);
    });
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    const at = `${path}/${toPointerToken(key)}`;
    if (containsNul(key)) errors.push({ path: at, message: `is a member name that ${NUL_REASON}` });
    else findNul(item, at, errors);
  }
}
