import type { NextFunction, Request, Response } from 'express';
import { findUnstorableTexts, UNSTORABLE_REASON } from '../shared/storable-text.ts';
import { type FieldError, RequestValidationError, toPointerToken } from './problem.ts';

/**
 * Refuses a request whose JSON body or query holds a character no engine stores as sent (a NUL, half
 * of a surrogate pair: `storable-text.ts`) in any text, naming where (400, `errors` with
 * `/body/comment`, `/query/q`…): the contract's text fields allow any character, and a NUL in a
 * comment was a 500 on PostgreSQL and stored on SQLite. Runs after the validator, so that
 * authentication and the contract answer first. Bodies read as streams (the catalog import) check
 * their own lines.
 */
export function refuseUnstorableCharacters(req: Request, _res: Response, next: NextFunction): void {
  const errors: FieldError[] = [];
  findUnstorable(req.query, '/query', errors);
  findUnstorable(req.body, '/body', errors);
  next(errors.length === 0 ? undefined : new RequestValidationError(errors));
}

/** Adds an error for each text of `value` holding such a character, in the order they are written. */
function findUnstorable(value: unknown, path: string, errors: FieldError[]): void {
  for (const found of findUnstorableTexts(value, path, (parent, key) => `${parent}/${toPointerToken(key)}`)) {
    errors.push({
      path: found.path,
      message: found.memberName ? `is a member name that ${UNSTORABLE_REASON}` : UNSTORABLE_REASON,
    });
  }
}
