import type { Request } from 'express';
import type { Principal } from '../auth/principal.ts';

const principals = new WeakMap<Request, Principal>();

/** Remembers the verified caller for the rest of the request. */
export function setPrincipal(req: Request, principal: Principal): void {
  principals.set(req, principal);
}

export function findPrincipal(req: Request): Principal | undefined {
  return principals.get(req);
}

/** The verified caller; the security handler has run on every operation that needs one. */
export function requirePrincipal(req: Request): Principal {
  const principal = principals.get(req);
  if (principal === undefined) throw new Error('no verified principal on a secured operation');
  return principal;
}
