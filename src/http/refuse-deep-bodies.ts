import type { NextFunction, Request, Response } from 'express';
import { describePortalBodyRefusal, isPortalOperation } from './portal-validation-refusal.ts';
import { problem, sendProblem } from './problem.ts';

/**
 * The deepest nesting of objects and arrays a JSON body may have. The contract's deepest body has
 * two levels (an object holding a list); this leaves room for any body it may come to take.
 */
export const MAX_BODY_DEPTH = 64;

/**
 * Refuses a JSON body nested deeper than {@link MAX_BODY_DEPTH} (400 `body-too-deep`), whatever the
 * operation, as a body that is not JSON is refused: a few thousand brackets fit in the body limit,
 * and any code that walks a body by recursion (ours or a library's) would overflow the stack on them
 * and answer 500. Runs right after the JSON parser, before anything else reads the body.
 */
export function refuseDeepBodies(req: Request, res: Response, next: NextFunction): void {
  if (!isNestedDeeperThan(req.body, MAX_BODY_DEPTH)) {
    next();
    return;
  }
  const reason = `nests objects and arrays more than ${MAX_BODY_DEPTH} levels deep`;
  const { title, detail } = isPortalOperation(req)
    ? describePortalBodyRefusal('unreadable')
    : { title: 'The body is nested too deeply', detail: `the request body ${reason}` };
  sendProblem(
    res,
    problem(400, 'body-too-deep', title, detail, { errors: [{ path: '/body', message: reason }] }),
  );
}

/** Whether objects and arrays nest more than `limit` levels in `value`; walked without recursion. */
export function isNestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth > limit) return true;
    for (const member of Object.values(next.value)) {
      if (typeof member === 'object' && member !== null)
        pending.push({ value: member, depth: next.depth + 1 });
    }
  }
  return false;
}
