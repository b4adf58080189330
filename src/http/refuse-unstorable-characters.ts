import type { NextFunction, Request, Response } from 'express';
import { holdsUnstorableCharacter, UNSTORABLE_REASON } from '../shared/storable-text.ts';
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

/** What is left to look at: a value, or a member name already found to hold such a character. */
type Pending = { path: string; value: unknown } | { path: string; unstorableName: true };

/**
 * Adds an error for each text of `value` holding such a character, in the order the members are written. Walked
 * with a list of what is left to look at rather than by recursion, so that no nesting can overflow
 * the stack.
 */
function findUnstorable(value: unknown, path: string, errors: FieldError[]): void {
  const pending: Pending[] = [{ path, value }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if ('unstorableName' in next) {
      errors.push({ path: next.path, message: `is a member name that ${UNSTORABLE_REASON}` });
      continue;
    }
    const current = next.value;
    if (typeof current === 'string') {
      if (holdsUnstorableCharacter(current)) errors.push({ path: next.path, message: UNSTORABLE_REASON });
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    const parent = next.path;
    const members: Pending[] = Object.entries(current).map(([key, member]) => {
      const at = `${parent}/${toPointerToken(key)}`;
      return holdsUnstorableCharacter(key) ? { path: at, unstorableName: true } : { path: at, value: member };
    });
    // Last in, first out: pushed in reverse, the members are looked at in their order.
    for (const member of members.reverse()) pending.push(member);
  }
}
