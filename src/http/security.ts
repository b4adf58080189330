import type { Request } from 'express';
import { AuthenticationError, IdentityProviderUnavailableError } from '../auth/principal.ts';
import type { TokenVerifier } from '../auth/token-verifier.ts';
import { setPrincipal } from './principal-context.ts';

/**
 * Requests whose token could not be checked because the identity provider was unreachable. The
 * validator turns whatever a security handler throws into a 401 or a 500, so the error handler
 * looks here to answer 503 instead.
 */
const unverifiable = new WeakMap<Request, IdentityProviderUnavailableError>();

export function findIdentityProviderOutage(req: Request): IdentityProviderUnavailableError | undefined {
  return unverifiable.get(req);
}

class SecurityFailure extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
  }
}

/** The token of the request's `Authorization: Bearer` header; undefined when there is none. */
export function readBearerToken(req: Request): string | undefined {
  return /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
}

/**
 * Why no token was read: none sent, or an Authorization header that does not hold one token after
 * `Bearer` (`Bearer T T`, another scheme). Each says "required", so the challenge names no error.
 */
function describeMissingToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization.trim() === '') return 'a bearer token is required';
  return 'a bearer token is required: the Authorization header must hold one token, as `Bearer <token>`';
}

/**
 * The `bearerAuth` handler for express-openapi-validator. The roles an operation accepts are the
 * role names of its security requirement in the OpenAPI document; nothing else grants access. The
 * token is checked by the verifier of the request's app (one validator serves every app of a process).
 */
export function createBearerAuthHandler(verifierOf: (req: Request) => TokenVerifier) {
  return async (req: Request, acceptedRoles: string[]): Promise<boolean> => {
    const token = readBearerToken(req);
    if (token === undefined) throw new SecurityFailure(401, describeMissingToken(req.headers.authorization));
    try {
      const principal = await verifierOf(req)(token);
      if (acceptedRoles.length > 0 && !principal.roles.some((role) => acceptedRoles.includes(role))) {
        throw new SecurityFailure(403, `this operation needs one of the roles: ${acceptedRoles.join(', ')}`);
      }
      setPrincipal(req, principal);
      return true;
    } catch (error) {
      if (error instanceof SecurityFailure) throw error;
      if (error instanceof AuthenticationError) throw new SecurityFailure(401, error.message);
      if (error instanceof IdentityProviderUnavailableError) unverifiable.set(req, error);
      throw error;
    }
  };
}
