import { Router } from 'express';

/**
 * A router whose paths match only as the contract writes them, in lower case: `/V1/SETTINGS` is no
 * path of the API. Express matches paths whatever their case by default, and the checks that read
 * the path before the routes (the portal's French refusals, the lower-casing of UUIDs in ids) match
 * the contract's spelling only: a path in capitals reached the operation without them. A trailing
 * slash is still taken (`/v1/settings/`), as by the validator and those checks. The app itself is
 * set alike (`case sensitive routing`, in `src/app.ts`), which the validator follows too.
 */
export function createCaseSensitiveRouter(): Router {
  return Router({ caseSensitive: true });
}
