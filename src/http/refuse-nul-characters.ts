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

/** What is left to look at: a value, or a member name already found to hold a NUL. */
type Pending = { path: string; value: unknown } | { path: string; nulName: true };

/**
 * Adds an error for each text of `value` holding a NUL, in the order the members are written. Walked
 * with a list of what is left to look at rather than by recursion, so that no nesting can overflow
 * the stack.
 */
function findNul(value: unknown, path: string, errors: FieldError[]): void {
  const pending: Pending[] = [{ path, value }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if ('nulName' in next) {
      errors.push({ path: next.path, message: `is a member name that ${NUL_REASON}` });
      continue;
    }
    const current = next.value;
    if (typeof current === 'string') {
      if (containsNul(current)) errors.push({ path: next.path, message: NUL_REASON });
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    const parent = next.path;
    const members: Pending[] = Object.entries(current).map(([key, member]) => {
      const at = `${parent}/${toPointerToken(key)}`;
      return containsNul(key) ? { path: at, nulName: true } : { path: at, value: member };
    });
    // Last in, first out: pushed in reverse, the members are looked at in their order.
    for (const member of members.reverse()) pending.push(member);
  }
}
