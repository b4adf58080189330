import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { TokenVerifier } from '../auth/token-verifier.ts';
import { httpStatusOf, problem, sendProblem } from './problem.ts';
import { findIdentityProviderOutage, readBearerToken } from './security.ts';

/** The client's address as the rate limits count it (an IPv6 address by its /56 network). */
export function addressKeyOf(req: Request): string {
  return ipKeyGenerator(req.ip ?? 'unknown');
}

/** The two halves of the limit on failed authentications; see {@link createFailedAuthenticationLimit}. */
export interface FailedAuthenticationLimit {
  /**
   * Before the validator: answers 429 to an address over the limit, before its token is checked,
   * unless the token is one the verifier takes as verified already.
   */
  refuseAddressOverLimit: RequestHandler;
  /** An error handler after the validator: counts each 401 against its address (429 past the limit). */
  countFailedAuthentication: (error: unknown, req: Request, res: Response, next: NextFunction) => void;
}

/**
 * Requests whose token is missing or does not verify, counted per client address over a minute. Only
 * the 401s are counted, once answered: counting every request until it is known to have succeeded
 * (express-rate-limit's `skipSuccessfulRequests`) would count the valid requests still in flight, and
 * a busy address (an integration, users behind one NAT) would be refused for sending many at once.
 * Past the limit, every request from the address is answered 429 until the window ends, but for a
 * token the verifier remembers as verified (used with success within `AUTH_VERIFIED_TOKEN_SECONDS`):
 * telling it from a forged one costs a look-up, not the signature check the limit spares, so the
 * people at work behind the address (an office's NAT, the case-management tool's servers) go on
 * while a broken or hostile client there waits. A valid token not seen yet waits with it.
 */
export function createFailedAuthenticationLimit(
  limitPerMinute: number,
  verifier: Pick<TokenVerifier, 'remembers'>,
): FailedAuthenticationLimit {
  const limitFailures = rateLimit({
    windowMs: 60_000,
    limit: limitPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: addressKeyOf,
    handler: (_req, res) => {
      sendProblem(
        res,
        problem(
          429,
          'rate-limited',
          'Too many failed authentications',
          'too many requests from this address came without a valid token; retry after the window resets',
        ),
      );
    },
  });

  const refuseAddressOverLimit: RequestHandler = (req, res, next) => {
    const token = readBearerToken(req);
    if (token !== undefined && verifier.remembers(token)) {
      next();
      return;
    }
    void (async () => {
      const counted = await limitFailures.getKey(addressKeyOf(req));
      // Counted once more, the address goes past the limit: the limiter answers, with its headers.
      if (counted !== undefined && counted.totalHits >= limitPerMinute) await limitFailures(req, res, next);
      else next();
    })().catch(next);
  };

  const countFailedAuthentication = (error: unknown, req: Request, res: Response, next: NextFunction) => {
    // An unreachable identity provider is no failure of the client's (503).
    if (httpStatusOf(error) !== 401 || findIdentityProviderOutage(req) !== undefined) {
      next(error);
      return;
    }
    void Promise.resolve(limitFailures(req, res, () => next(error))).catch(next);
  };

  return { refuseAddressOverLimit, countFailedAuthentication };
}
