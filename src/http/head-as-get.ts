import type { NextFunction, Request, Response } from 'express';

/** The requests read as GET by the validator, to be HEAD again after it. */
const headRequests = new WeakSet<Request>();

/**
 * Lets the validator check a HEAD as the GET of the same path: it knows only the methods the contract
 * declares, and would answer a HEAD 405. Authentication, roles and the contract's checks are the
 * GET's; `restoreHead` gives the request its method back after the validator, so that Express sends
 * the GET route's status and headers without the body, and the logs say HEAD.
 */
export function readHeadAsGet(req: Request, _res: Response, next: NextFunction): void {
  if (req.method === 'HEAD') {
    headRequests.add(req);
    req.method = 'GET';
  }
  next();
}

/** After the validator, on its way through and on its refusals alike. */
export const restoreHead = [
  function restoreHeadMethod(req: Request, _res: Response, next: NextFunction): void {
    putHeadBack(req);
    next();
  },
  function restoreHeadMethodOnError(error: unknown, req: Request, _res: Response, next: NextFunction): void {
    putHeadBack(req);
    next(error);
  },
];

/** Whether the request is a HEAD: its answer is read by nobody, so reading it records no reading. */
export function isHeadRequest(req: Request): boolean {
  return req.method === 'HEAD';
}

/**
 * A 405's allowed methods (the contract's methods of the path, as the validator lists them in its
 * `Allow`) with HEAD named wherever GET is: every GET operation answers HEAD too (see
 * {@link readHeadAsGet}).
 */
export function allowedMethodsWithHead(allow: string): string[] {
  const methods = allow
    .split(',')
    .map((method) => method.trim().toUpperCase())
    .filter((method) => method !== '');
  if (methods.includes('GET') && !methods.includes('HEAD'))
    methods.splice(methods.indexOf('GET') + 1, 0, 'HEAD');
  return methods;
}

function putHeadBack(req: Request): void {
  if (headRequests.delete(req)) req.method = 'HEAD';
}
